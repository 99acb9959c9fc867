import { z } from "zod";
import type { Deps } from "../../deps.js";
import { quoteData } from "../../infra/llm/index.js";
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { LlmCallMeta } from "../../ports/llm.js";
import { checkFigures, checkOutput, collectComputed } from "../provenance/index.js";
import { type ChecklistCompliance, checklistCompliance } from "./checklist.js";
import type { DealRow } from "./queries.js";

/** What `deal.summarize` must return; validated by the gateway (one repair attempt). */
export const dealSummarySchema = z.object({
  summary: z.string().min(1),
  next_action: z.string().min(1),
  blockers: z.array(z.string()),
  missing_information: z.array(z.string()),
  confidence: z.number().min(0).max(1),
});

export type DealNote = { body: string; createdAt: Date };

export interface DealSummary {
  dealId: string;
  summary: string;
  nextAction: string;
  blockers: string[];
  /** Checklist items missing (decided by code) plus what the model found missing. */
  missing: string[];
  checklist: ChecklistCompliance;
  /** 0..1; always 0 for the deterministic summary. */
  confidence: number;
  source: "llm" | "deterministic";
  /** Why the deterministic summary was used. */
  fallback?: "no_model" | "llm_failed" | "offline" | "provenance" | "output_check";
  unsupportedFigures?: string[];
  llm?: Pick<LlmCallMeta, "provider" | "model" | "promptId" | "promptVersion">;
}

/** The computed record the model sees, and the only source of figures it may use. */
export function dealContext(deal: DealRow, notes: DealNote[], checklist: ChecklistCompliance) {
  // What people typed (names, next step, notes) is quoted data: never an instruction, never a source.
  const typed = (name: string, v: string | null) => (v === null ? null : quoteData(name, v));
  return {
    deal: {
      name: typed("deal_name", deal.name),
      company: typed("company", deal.company),
      stage: typed("stage", deal.stageName),
      value: formatMoney(deal.valueMinor, deal.currency),
      value_amount: deal.valueMinor / 100,
      currency: deal.currency,
      owner: typed("owner", deal.ownerName),
      days_in_stage: deal.daysInStage,
      stuck_after_days: deal.stuckAfterDays,
      stuck: deal.stuck,
      probability: deal.probability,
      next_step: typed("next_step", deal.nextStep),
      expected_close_on: deal.expectedCloseOn,
      payment_terms_days: deal.paymentTermsDays,
      missing: checklist.missing,
    },
    notes: notes.map((n) => `${n.createdAt.toISOString().slice(0, 10)}: ${quoteData("note", n.body)}`),
    checklist: checklist.items.map((i) => ({ item: i.item, done: i.done })),
  };
}

/** The summary built by code from the row alone: used without a model and whenever the model fails. */
export function deterministicSummary(
  deal: DealRow,
  checklist: ChecklistCompliance,
  fallback: DealSummary["fallback"],
): DealSummary {
  const blockers: string[] = [];
  if (deal.stuck)
    blockers.push(
      `In ${deal.stageName} for ${plural(deal.daysInStage, "day")} (stuck after ${deal.stuckAfterDays}).`,
    );
  for (const m of checklist.missing) blockers.push(`Missing: ${m}.`);
  return {
    dealId: deal.id,
    summary: `${deal.name} is in ${deal.stageName} for ${plural(deal.daysInStage, "day")}, worth ${formatMoney(deal.valueMinor, deal.currency)}${deal.stuck ? ", and is stuck" : ""}.`,
    nextAction:
      deal.nextStep ??
      (checklist.missing.length
        ? `Collect: ${checklist.missing.join(", ")}.`
        : "Agree the next step with the buyer."),
    blockers,
    missing: checklist.missing,
    checklist,
    confidence: 0,
    source: "deterministic",
    fallback,
  };
}

/**
 * Summarises one deal: summary, next action, blockers, missing information and confidence from
 * `deal.summarize` with structured output. Falls back to the deterministic summary (confidence 0)
 * when no model is configured, the model fails, only the offline provider answered, or the text
 * states a figure that is not in the deal's record.
 */
export async function summarizeDeal(
  deps: Deps,
  ctx: { tenantId: string; userId?: string },
  deal: DealRow,
  notes: DealNote[],
): Promise<DealSummary> {
  const checklist = checklistCompliance(deal);
  if (!deps.llm.hasModel()) return deterministicSummary(deal, checklist, "no_model");
  const variables = dealContext(deal, notes, checklist);
  const log = deps.logger.child({ feature: "deal.summary", dealId: deal.id });
  try {
    const { value, meta } = await deps.llm.structured(dealSummarySchema, {
      ctx: { tenantId: ctx.tenantId, userId: ctx.userId, feature: "deal.summary" },
      promptId: "deal.summarize",
      variables,
    });
    if (meta.provider === "offline") return deterministicSummary(deal, checklist, "offline");
    const said = [value.summary, value.next_action, ...value.blockers, ...value.missing_information].join(
      "\n",
    );
    // Figures only from the record's computed values (amounts, days, dates) — a figure written in a
    // note or a name is text someone typed, not a source.
    const check = checkFigures(said, collectComputed(variables));
    if (!check.ok) {
      log.warn(
        { unsupported: check.unsupported.slice(0, 10), provenance: "violation" },
        "deal summary stated figures not in the record; using the deterministic summary",
      );
      return {
        ...deterministicSummary(deal, checklist, "provenance"),
        unsupportedFigures: check.unsupported,
      };
    }
    // A summary is Keel's own words: no links, contacts, mentions or payment instructions in it.
    const findings = checkOutput(said, { allowedDomains: [], customerFacing: true, slots: [] });
    if (findings.length) {
      log.warn(
        { findings: findings.map((f) => f.flag), promptVersion: meta.promptVersion },
        "deal summary failed an output check; using the deterministic summary",
      );
      return deterministicSummary(deal, checklist, "output_check");
    }
    const missing = [...checklist.missing];
    for (const m of value.missing_information)
      if (!missing.some((x) => x.toLowerCase() === m.toLowerCase())) missing.push(m);
    return {
      dealId: deal.id,
      summary: value.summary,
      nextAction: value.next_action,
      blockers: value.blockers,
      missing,
      checklist,
      confidence: value.confidence,
      source: "llm",
      llm: {
        provider: meta.provider,
        model: meta.model,
        promptId: meta.promptId,
        promptVersion: meta.promptVersion,
      },
    };
  } catch (err) {
    log.warn({ err }, "deal summary by model failed; using the deterministic summary");
    return deterministicSummary(deal, checklist, "llm_failed");
  }
}
