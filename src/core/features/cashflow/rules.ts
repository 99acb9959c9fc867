import { plural } from "../../kernel/text.js";
import { addDaysIso, dayOf, diffDaysIso, elapsedDays } from "./dates.js";
import type { CashflowDeal, CashflowRules, DealProjection, RuleId, StageRule } from "./types.js";

/** The documented defaults; stage cycle times come from the tenant's `stages.cycle_days`. */
export const DEFAULT_RULES: Omit<CashflowRules, "stages"> = {
  defaultTermsDays: 37,
  stuckAfterDays: 60,
  stuckPenaltyDays: 14,
  minLlmConfidence: 0.4,
  warnBeyondDays: 365,
};

/** Rules for a tenant: its stages plus the defaults, each overridable. */
export function makeRules(
  stages: StageRule[],
  overrides: Partial<Omit<CashflowRules, "stages">> = {},
): CashflowRules {
  return { ...DEFAULT_RULES, ...overrides, stages };
}

/** The stages a deal still passes through before it is invoiced (won/lost stages are not on the way). */
export function stagesUntilInvoice(
  current: StageRule,
  all: readonly StageRule[],
): { path: StageRule[]; invoicedStage?: StageRule } {
  const later = all
    .filter(
      (s) => s.pipelineId === current.pipelineId && s.position > current.position && !s.isWon && !s.isLost,
    )
    .sort((a, b) => a.position - b.position);
  const path: StageRule[] = [];
  for (const s of later) {
    if (s.isInvoiced) return { path, invoicedStage: s };
    path.push(s);
  }
  return { path };
}

/**
 * Enforces the sanity rules on a projection (rules, LLM or scenario alike): an invoice still to be
 * issued lies after today, payment never precedes the invoice, an overdue payment is expected from
 * tomorrow, and dates more than a year out are flagged.
 */
export function sanitize(p: DealProjection, rules: CashflowRules, todayIso: string): DealProjection {
  const out: DealProjection = { ...p, rules: [...p.rules], steps: [...p.steps], warnings: [...p.warnings] };
  const note = (id: RuleId, step: string) => {
    out.rules.push(id);
    out.steps.push(step);
  };
  const tomorrow = addDaysIso(todayIso, 1);
  if (!out.invoicedStage && out.invoiceOn <= todayIso) {
    // The payment moves with the invoice: the terms run from the day it is actually issued.
    const shift = diffDaysIso(out.invoiceOn, tomorrow);
    note(
      "clamp_invoice_after_today",
      `Invoice date ${out.invoiceOn} is not after today: moved to ${tomorrow}, payment ${shift} d later too.`,
    );
    out.invoiceOn = tomorrow;
    out.paidOn = addDaysIso(out.paidOn, shift);
  }
  if (out.paidOn < out.invoiceOn) {
    const paidOn = addDaysIso(out.invoiceOn, out.termsDays);
    note(
      "clamp_payment_after_invoice",
      `Payment ${out.paidOn} before invoice ${out.invoiceOn}: set to invoice + ${out.termsDays} d terms = ${paidOn}.`,
    );
    out.paidOn = paidOn;
  }
  if (out.paidOn <= todayIso) {
    note("overdue_payment", `Payment was due ${out.paidOn} and has not arrived: expected from ${tomorrow}.`);
    out.warnings.push(`payment overdue since ${out.paidOn}`);
    out.paidOn = tomorrow;
  }
  if (diffDaysIso(todayIso, out.paidOn) > rules.warnBeyondDays) {
    out.rules.push("warn_beyond_year");
    out.warnings.push(`payment expected ${out.paidOn}, more than ${plural(rules.warnBeyondDays, "day")} out`);
  }
  return out;
}

/**
 * Predicts when an open deal is invoiced and paid from deterministic rules: what is left of the
 * current stage's cycle, the cycles of every later stage up to the invoiced stage, a penalty when
 * the deal is stuck, then payment terms. A deal already in an invoiced stage was invoiced when it
 * entered it. Weighted by the current stage's probability (the one rounding of money).
 */
export function projectDeal(deal: CashflowDeal, rules: CashflowRules, today: Date): DealProjection {
  const todayIso = dayOf(today);
  const daysInStage = elapsedDays(deal.stageEnteredAt, today);
  const stage = rules.stages.find((s) => s.id === deal.stageId);
  const ids: RuleId[] = [];
  const steps: string[] = [];
  const warnings: string[] = [];
  const terms = deal.paymentTermsDays ?? rules.defaultTermsDays;
  let invoiceOn: string;
  const invoicedStage = stage?.isInvoiced ?? false;

  if (invoicedStage) {
    invoiceOn = dayOf(deal.stageEnteredAt);
    ids.push("invoiced_stage");
    steps.push(`In invoiced stage "${deal.stageName}" since ${invoiceOn}: invoice date = stage entry date.`);
  } else {
    const cycle = stage?.cycleDays ?? 0;
    if (!stage) warnings.push(`stage "${deal.stageName}" has no cashflow rule; its cycle counted as 0 d`);
    // A deal past its cycle is still in the stage: it can leave today at the earliest, never in the past.
    const remaining = Math.max(0, cycle - daysInStage);
    ids.push("remaining_in_stage");
    steps.push(
      `${deal.stageName}: cycle ${cycle} d, ${daysInStage} d in stage → ${remaining} d left` +
        (daysInStage > cycle ? " (cycle overrun: assumed to move on now)." : "."),
    );
    const { path, invoicedStage: target } = stage
      ? stagesUntilInvoice(stage, rules.stages)
      : { path: [], invoicedStage: undefined };
    const laterDays = path.reduce((s, x) => s + x.cycleDays, 0);
    if (path.length > 0) {
      ids.push("later_stage_cycles");
      steps.push(
        `Then ${path.map((s) => `${s.name} ${s.cycleDays} d`).join(" + ")} = ${laterDays} d until ${target ? `"${target.name}"` : "the end of the pipeline"}.`,
      );
    }
    if (!target) {
      ids.push("no_invoiced_stage");
      steps.push(
        "No invoiced stage follows in this pipeline: invoice assumed when the last open stage ends.",
      );
    }
    let penalty = 0;
    if (daysInStage > rules.stuckAfterDays) {
      penalty = rules.stuckPenaltyDays;
      ids.push("stuck_penalty");
      steps.push(
        `Stuck ${daysInStage} d (> ${rules.stuckAfterDays} d) in "${deal.stageName}": +${penalty} d delay.`,
      );
    }
    invoiceOn = addDaysIso(todayIso, remaining + laterDays + penalty);
    steps.push(`Invoice expected ${invoiceOn} (today + ${remaining + laterDays + penalty} d).`);
  }

  ids.push(deal.paymentTermsDays === null ? "default_terms" : "payment_terms");
  const paidOn = addDaysIso(invoiceOn, terms);
  steps.push(
    `Payment ${paidOn}: invoice + ${terms} d ${deal.paymentTermsDays === null ? "default terms" : "deal terms"}.`,
  );

  const weightedMinor = Math.round(deal.valueMinor * deal.probability);
  ids.push("probability_weight");
  steps.push(
    `Weighted by stage probability ${deal.probability}: ${deal.valueMinor} × ${deal.probability} ≈ ${weightedMinor} (minor units).`,
  );

  const projection: DealProjection = {
    dealId: deal.id,
    dealName: deal.name,
    currency: deal.currency,
    stageName: deal.stageName,
    daysInStage,
    valueMinor: deal.valueMinor,
    probability: deal.probability,
    weightedMinor,
    invoiceOn,
    paidOn,
    termsDays: terms,
    invoicedStage,
    method: "rules",
    rules: ids,
    steps,
    warnings,
  };
  return sanitize(projection, rules, todayIso);
}

/** One line per rule, for the assumptions report. */
export function describeRules(rules: CashflowRules): string[] {
  const pipelines = [...new Set(rules.stages.map((s) => s.pipelineId))];
  const cycles = pipelines.map((pid) =>
    rules.stages
      .filter((s) => s.pipelineId === pid && !s.isWon && !s.isLost)
      .sort((a, b) => a.position - b.position)
      .map((s) =>
        s.isInvoiced
          ? `${s.name} (invoiced, p=${s.probability})`
          : `${s.name} ${s.cycleDays} d (p=${s.probability})`,
      )
      .join(" → "),
  );
  return [
    `Stage cycle times (stages.cycle_days): ${cycles.join(" | ") || "none configured"}.`,
    "Invoice date = today + what is left of the current stage's cycle (never below 0) + every later stage's cycle until the invoiced stage.",
    `Deals more than ${rules.stuckAfterDays} d in their stage are stuck: +${rules.stuckPenaltyDays} d.`,
    "Deals in an invoiced stage were invoiced on the day they entered it.",
    `Payment date = invoice date + the deal's payment terms (default ${rules.defaultTermsDays} d).`,
    "Sanity: invoices still to issue fall after today; payment never before invoice; overdue payments expected from tomorrow; dates over " +
      `${rules.warnBeyondDays} d out are flagged.`,
    "Amounts are weighted by the current stage's probability, rounded once per deal to whole minor units.",
    `With an LLM configured, its prediction is used when its confidence is ≥ ${rules.minLlmConfidence}; below that, or on any error, the rules decide.`,
  ];
}
