import type { DealRow } from "./queries.js";

export interface ChecklistItem {
  item: string;
  done: boolean;
  /** What satisfied it (the fact's value), when done. */
  evidence?: string;
}

export interface ChecklistCompliance {
  stage: string;
  items: ChecklistItem[];
  missing: string[];
  complete: boolean;
}

/**
 * The one rule for "checklist item done": a recorded fact that says something — `true`, a non-blank
 * text, or a number (an amount of 0 is still recorded). Absent, `false`, `null` and blank text are not.
 * Facts come from JSON, so the runtime value may be any of these whatever the column type says.
 */
export function isChecklistItemDone(fact: unknown): boolean {
  if (fact === true) return true;
  if (typeof fact === "string") return fact.trim() !== "";
  return typeof fact === "number" && Number.isFinite(fact);
}

/**
 * Checks a deal against its stage's checklist (`stages.checklist`, configurable per stage) using the
 * recorded facts (`deals.facts`). Code decides what is done; a model never ticks an item.
 */
export function checklistCompliance(
  deal: Pick<DealRow, "stageName" | "checklist" | "facts">,
): ChecklistCompliance {
  const items = deal.checklist.map((item): ChecklistItem => {
    const fact: unknown = deal.facts[item];
    const done = isChecklistItemDone(fact);
    return done ? { item, done, evidence: fact === true ? "recorded" : String(fact) } : { item, done };
  });
  const missing = items.filter((i) => !i.done).map((i) => i.item);
  return { stage: deal.stageName, items, missing, complete: missing.length === 0 };
}
