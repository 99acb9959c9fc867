import { runwayDeltaDays } from "./cash.js";
import { addDaysIso, dayOf } from "./dates.js";
import { sanitize } from "./rules.js";
import type { Aggregation, CashflowRules, CashProjection, DealProjection, ScenarioSpec } from "./types.js";

/**
 * Moves one deal's dates by `slipDays` (negative = earlier) and re-applies the sanity rules. A deal
 * already invoiced keeps its invoice date: only its payment can slip. Other deals are untouched.
 */
export function applyScenario(
  projections: readonly DealProjection[],
  scenario: ScenarioSpec,
  rules: CashflowRules,
  today: Date,
): DealProjection[] {
  return projections.map((p) => {
    if (p.dealId !== scenario.dealId) return p;
    const shifted: DealProjection = {
      ...p,
      invoiceOn: p.invoicedStage ? p.invoiceOn : addDaysIso(p.invoiceOn, scenario.slipDays),
      paidOn: addDaysIso(p.paidOn, scenario.slipDays),
      steps: [
        ...p.steps,
        `Scenario: slips ${scenario.slipDays} d${p.invoicedStage ? " (payment only; already invoiced)" : ""}.`,
      ],
    };
    return sanitize(shifted, rules, dayOf(today));
  });
}

export interface ScenarioDelta {
  /** Per bucket: scenario minus base, weighted collections and invoices. */
  buckets: { label: string; collectedWeightedDeltaMinor: number; invoicedWeightedDeltaMinor: number }[];
  inHorizonCollectedWeightedDeltaMinor: number;
  balanceAtHorizonDeltaMinor: number;
  /** Days gained (+) or lost (−); null when the runway is unknown or beyond the search on one side. */
  runwayDeltaDays: number | null;
}

/** What changed between the base case and a scenario computed over the same buckets. */
export function compareScenario(
  base: { aggregation: Aggregation; cash: CashProjection },
  next: { aggregation: Aggregation; cash: CashProjection },
): ScenarioDelta {
  return {
    buckets: base.aggregation.buckets.map((b, i) => {
      const n = next.aggregation.buckets[i];
      return {
        label: b.label,
        collectedWeightedDeltaMinor: (n?.collectedWeightedMinor ?? 0) - b.collectedWeightedMinor,
        invoicedWeightedDeltaMinor: (n?.invoicedWeightedMinor ?? 0) - b.invoicedWeightedMinor,
      };
    }),
    inHorizonCollectedWeightedDeltaMinor:
      next.aggregation.inHorizon.collectedWeightedMinor - base.aggregation.inHorizon.collectedWeightedMinor,
    balanceAtHorizonDeltaMinor: next.cash.balanceAtHorizonMinor - base.cash.balanceAtHorizonMinor,
    runwayDeltaDays: runwayDeltaDays(base.cash.runway, next.cash.runway),
  };
}
