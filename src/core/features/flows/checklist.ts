import type { DealRow } from "../deals/index.js";

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
 * Checks a deal against its stage's checklist (`stages.checklist`, configurable per stage) using the
 * recorded facts (`deals.facts`). Code decides what is done; a model never ticks an item.
 */
export function checklistCompliance(
  deal: Pick<DealRow, "stageName" | "checklist" | "facts">,
): ChecklistCompliance {
  const items = deal.checklist.map((item): ChecklistItem => {
    const fact = deal.facts[item];
    const done = fact !== undefined && fact !== false && fact !== "";
    return done ? { item, done, evidence: fact === true ? "recorded" : String(fact) } : { item, done };
  });
  const missing = items.filter((i) => !i.done).map((i) => i.item);
  return { stage: deal.stageName, items, missing, complete: missing.length === 0 };
}
