import { z } from "zod";
import { decimalAmount } from "../../kernel/format.js";
import type { LlmCallContext, LlmClient } from "../../ports/llm.js";
import { addDaysIso, dayOf, diffDaysIso } from "./dates.js";
import { sanitize, stagesUntilInvoice } from "./rules.js";
import type { CashflowDeal, CashflowRules, DealProjection } from "./types.js";

export const PREDICT_PROMPT_ID = "cashflow.predict_dates";

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

/** What `prompts/cashflow/predict_dates` must return. */
export const datePredictionSchema = z.object({
  invoice_on: isoDay,
  paid_on: isoDay,
  confidence: z.number().min(0).max(1),
  reason: z.string(),
});
export type DatePrediction = z.infer<typeof datePredictionSchema>;

export type PredictionOutcome =
  | { ok: true; prediction: DatePrediction; model?: string }
  | { ok: false; error: string };

/** Stage path and history in the words the prompt expects. */
export function predictionVariables(
  deal: CashflowDeal,
  rules: CashflowRules,
  today: Date,
  history: string,
): Record<string, unknown> {
  const stage = rules.stages.find((s) => s.id === deal.stageId);
  const path = stage ? [stage, ...stagesUntilInvoice(stage, rules.stages).path] : [];
  return {
    today: dayOf(today),
    deal: `${deal.name}; value ${decimalAmount(deal.valueMinor)} ${deal.currency}; stage ${deal.stageName} since ${dayOf(deal.stageEnteredAt)}`,
    stage_cycle_days: path.map((s) => `${s.name}: ${s.cycleDays}`).join(", ") || "unknown",
    payment_terms_days: deal.paymentTermsDays ?? rules.defaultTermsDays,
    history: history || "none recorded",
  };
}

/**
 * Asks the model for a deal's dates. Any failure (no budget, provider down, invalid JSON, a date
 * that does not parse) comes back as `ok: false`; the caller falls back to the rules.
 */
export async function predictDates(
  llm: LlmClient,
  ctx: LlmCallContext,
  variables: Record<string, unknown>,
): Promise<PredictionOutcome> {
  try {
    const res = await llm.structured(datePredictionSchema, { ctx, promptId: PREDICT_PROMPT_ID, variables });
    const p = res.value;
    if (
      Number.isNaN(Date.parse(`${p.invoice_on}T00:00:00Z`)) ||
      Number.isNaN(Date.parse(`${p.paid_on}T00:00:00Z`))
    )
      return { ok: false, error: "model returned an invalid date" };
    return { ok: true, prediction: p, model: res.meta.model };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Combines the rules' projection with the model's answer: a prediction with confidence below the
 * threshold is overridden by the rules; a confident one replaces the dates and then goes through
 * the same sanity checks. Deals in an invoiced stage keep their factual invoice date.
 */
export function applyPrediction(
  ruleBased: DealProjection,
  outcome: PredictionOutcome,
  rules: CashflowRules,
  today: Date,
): DealProjection {
  const rulesText = `rules give invoice ${ruleBased.invoiceOn}, payment ${ruleBased.paidOn}`;
  if (!outcome.ok) {
    return {
      ...ruleBased,
      rules: [...ruleBased.rules, "llm_failed"],
      steps: [...ruleBased.steps, `LLM prediction failed (${outcome.error}): ${rulesText}.`],
    };
  }
  const p = outcome.prediction;
  if (p.confidence < rules.minLlmConfidence) {
    return {
      ...ruleBased,
      confidence: p.confidence,
      rules: [...ruleBased.rules, "llm_overridden_low_confidence"],
      steps: [
        ...ruleBased.steps,
        `LLM predicted invoice ${p.invoice_on}, payment ${p.paid_on} with confidence ${p.confidence} < ${rules.minLlmConfidence}: overridden, ${rulesText}.`,
      ],
    };
  }
  // Model dates pass the same sanity rules as the deterministic ones, and one more: a model may move
  // a date later freely, but not earlier than the stage allows — at most halfway from today to the
  // rules' invoice date, and payment no sooner than half the payment terms after the invoice.
  const todayIso = dayOf(today);
  const earliestInvoice = addDaysIso(todayIso, Math.ceil(diffDaysIso(todayIso, ruleBased.invoiceOn) / 2));
  const invoiceOn = ruleBased.invoicedStage ? ruleBased.invoiceOn : p.invoice_on;
  const tooEarly =
    (!ruleBased.invoicedStage && p.invoice_on < earliestInvoice) ||
    diffDaysIso(invoiceOn, p.paid_on) < Math.floor(ruleBased.termsDays / 2);
  if (tooEarly)
    return {
      ...ruleBased,
      confidence: p.confidence,
      rules: [...ruleBased.rules, "llm_overridden_too_early"],
      steps: [
        ...ruleBased.steps,
        `LLM predicted invoice ${p.invoice_on}, payment ${p.paid_on}: earlier than the stage allows (invoice not before ${earliestInvoice}, payment at least ${Math.floor(ruleBased.termsDays / 2)} d after it) — overridden, ${rulesText}.`,
      ],
    };
  const predicted: DealProjection = {
    ...ruleBased,
    invoiceOn: ruleBased.invoicedStage ? ruleBased.invoiceOn : p.invoice_on,
    paidOn: p.paid_on,
    method: "llm",
    confidence: p.confidence,
    rules: ["llm_prediction", "probability_weight"],
    steps: [
      `LLM (confidence ${p.confidence}) predicts invoice ${ruleBased.invoicedStage ? `${ruleBased.invoiceOn} (fact)` : p.invoice_on}, payment ${p.paid_on}: ${p.reason}`,
      `For comparison, ${rulesText}.`,
      ruleBased.steps.find((s) => s.startsWith("Weighted")) ?? "",
    ].filter(Boolean),
  };
  return sanitize(predicted, rules, dayOf(today));
}
