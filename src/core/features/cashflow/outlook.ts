/**
 * The cash engine's outlook: the one place that turns opening cash, burn, open invoices and the open
 * pipeline into balances by date. Two runway definitions are reported side by side because they
 * answer different questions: the **cash runway** (today's balance ÷ monthly burn — how long the money
 * in the bank lasts if nothing else comes in) and the **expected runway** (the median day the
 * simulated balance first goes below zero, counting invoices and deals as they are likely to pay).
 */
import { seedOf } from "../../kernel/random.js";
import { type NeighbourStats, shrinkWithNeighbours } from "../similar/index.js";
import { CALIBRATION_PRIOR, type Calibration } from "./calibration.js";
import { addDaysIso, diffDaysIso } from "./dates.js";
import type { Receivable } from "./queries.js";
import { projectDeal } from "./rules.js";
import {
  type Band,
  type Driver,
  medianRunwayDays,
  probabilityNegativeBy,
  type SimDeal,
  type SimReceivable,
  simulateCash,
} from "./simulate.js";
import type { CashBasis, CashflowDeal, CashflowRules, DealProjection } from "./types.js";

export const DEFAULT_PATHS = 4000;
/** The expected runway is searched up to two years out. */
export const RUNWAY_SEARCH_DAYS = 730;
const DAYS_PER_MONTH = 365 / 12;
/** Open invoices overdue longer than this are doubtful and left out (as in the pipeline view). */
const DOUBTFUL_AFTER_DAYS = 90;

export type CashRunway =
  | { kind: "months"; months: number; days: number; on: string }
  | { kind: "no_burn" }
  | { kind: "unknown"; reason: string };

export type ExpectedRunway =
  | { kind: "days"; days: number; on: string }
  | { kind: "beyond"; days: number }
  | { kind: "unknown"; reason: string };

export interface DataGap {
  dealId: string;
  dealName: string;
  stageName: string;
  since: string;
  amountMinor: number;
}

export interface CashOutlook {
  today: string;
  currency: string;
  basis: CashBasis;
  burnSdMinor: number;
  cashRunway: CashRunway;
  expectedRunway: ExpectedRunway;
  /** Balance bands by checkpoint date (P10/P50/P90); the net change from today without an opening balance. */
  bands: (Band & { on: string })[];
  /** P(balance < 0 on some day up to and including `by`). */
  negative: { by: string; probability: number } | null;
  /** The items that move the balance at the horizon most. */
  drivers: Driver[];
  dataGaps: DataGap[];
  paths: number;
  seed: number;
  horizonDays: number;
}

export interface OutlookInput {
  tenantId: string;
  today: Date;
  todayIso: string;
  currency: string;
  basis: CashBasis;
  burnSdMinor: number;
  /** Open deals in the report's currency, with the rules' projections (configured rules). */
  deals: readonly (CashflowDeal & { ownerUserId: string | null; company: string | null })[];
  projections: readonly DealProjection[];
  receivables: readonly (Receivable & { customer: string; id: string })[];
  rules: CashflowRules;
  calibration: Calibration;
  horizonDays: number;
  /** Extra dates to report bands for (e.g. "end of next month"). */
  at?: readonly string[];
  /**
   * Outcomes of each open deal's similar closed deals (similar feature): they move that deal's win
   * probability and days to invoice, shrunk toward the calibrated values.
   */
  similar?: ReadonlyMap<string, NeighbourStats>;
  /** Shift one deal's (or invoice's) money by N days. */
  slip?: { id: string; days: number };
  paths?: number;
}

/** Monthly-burn standard deviation from a monthly expense series (last 6 months), else 0. */
export function burnSpread(points: readonly { on: string; value: number }[], frequency: string): number {
  if (frequency !== "month") return 0;
  const last = points.slice(-6).map((p) => p.value * 100);
  if (last.length < 3) return 0;
  const m = last.reduce((a, b) => a + b, 0) / last.length;
  return Math.round(Math.sqrt(last.reduce((s, x) => s + (x - m) ** 2, 0) / (last.length - 1)));
}

export function cashRunwayOf(basis: CashBasis, todayIso: string): CashRunway {
  if (basis.openingMinor === null) return { kind: "unknown", reason: "no cash_balance series to start from" };
  if (basis.monthlyBurnMinor === null)
    return { kind: "unknown", reason: "no expense figures to burn against" };
  if (basis.monthlyBurnMinor <= 0) return { kind: "no_burn" };
  const months = Math.max(0, basis.openingMinor) / basis.monthlyBurnMinor;
  const days = Math.floor(months * DAYS_PER_MONTH);
  return { kind: "months", months: Math.round(months * 10) / 10, days, on: addDaysIso(todayIso, days) };
}

/** Weekly checkpoints up to the horizon, the horizon itself and any requested dates. */
function checkpointDays(todayIso: string, horizonDays: number, at: readonly string[]): number[] {
  const days = new Set<number>([0, horizonDays]);
  for (let d = 7; d < horizonDays; d += 7) days.add(d);
  for (const iso of at) {
    const d = diffDaysIso(todayIso, iso);
    if (d >= 0 && d <= RUNWAY_SEARCH_DAYS) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

export function buildOutlook(input: OutlookInput): CashOutlook {
  const { basis, todayIso, calibration: cal } = input;
  const gaps: DataGap[] = [];
  const invoicedDeals = new Set(input.receivables.map((r) => r.dealId).filter(Boolean));
  const calibratedRules: CashflowRules = {
    ...input.rules,
    stages: input.rules.stages.map((s) => {
      const c = cal.stages.find((x) => x.stageId === s.id);
      return c && c.source === "history" ? { ...s, cycleDays: c.cycleDays } : s;
    }),
  };
  const simDeals: SimDeal[] = [];
  const simReceivables: SimReceivable[] = [];
  const slip = (id: string) => (input.slip?.id === id ? input.slip.days : 0);
  for (const d of input.deals) {
    const p = input.projections.find((x) => x.dealId === d.id);
    if (!p) continue;
    const customerKey = (d.company ?? d.name).trim().toLowerCase();
    if (p.invoicedStage) {
      // Invoiced by its stage: the invoice row is the fact when there is one (counted below);
      // without one the deal is a receivable Keel cannot see in the books — a data gap to fix.
      if (invoicedDeals.has(d.id)) continue;
      gaps.push({
        dealId: d.id,
        dealName: d.name,
        stageName: d.stageName,
        since: p.invoiceOn,
        amountMinor: d.valueMinor,
      });
      simReceivables.push({
        id: d.id,
        label: `${d.name} (no invoice on file)`,
        outstandingMinor: d.valueMinor,
        dueDay: diffDaysIso(todayIso, addDaysIso(p.invoiceOn, p.termsDays)) + slip(d.id),
        customerKey,
      });
      continue;
    }
    const stage = cal.stages.find((s) => s.stageId === d.stageId);
    const owner = d.ownerUserId ? cal.owners.get(d.ownerUserId) : undefined;
    const timed = p.method === "llm" ? p : projectDeal(d, calibratedRules, input.today);
    const base = {
      winProbability: Math.min(0.999, (stage?.probability ?? d.probability) * (owner?.multiplier ?? 1)),
      invoiceDay: Math.max(1, diffDaysIso(todayIso, timed.invoiceOn)),
      daysInStage: p.daysInStage,
    };
    const near = input.similar?.get(d.id);
    // A model's dates are kept as they are; the similar deals move the rules' timing and every win rate.
    const adjusted = near
      ? shrinkWithNeighbours(base, near, { win: CALIBRATION_PRIOR.stageWin, cycle: CALIBRATION_PRIOR.cycle })
      : base;
    simDeals.push({
      id: d.id,
      label: d.name,
      valueMinor: d.valueMinor,
      winProbability: adjusted.winProbability,
      invoiceDay: Math.max(1, (p.method === "llm" ? base.invoiceDay : adjusted.invoiceDay) + slip(d.id)),
      termsDays: p.termsDays,
      customerKey,
    });
  }
  for (const r of input.receivables) {
    if (r.currency !== input.currency) continue;
    if (diffDaysIso(r.dueOn, todayIso) > DOUBTFUL_AFTER_DAYS) continue;
    simReceivables.push({
      id: r.id,
      label: `invoice ${r.number} (${r.customer})`,
      outstandingMinor: r.outstandingMinor,
      dueDay: diffDaysIso(todayIso, r.dueOn) + slip(r.id),
      customerKey: r.customer.trim().toLowerCase(),
    });
  }

  const cashRunway = cashRunwayOf(basis, todayIso);
  const paths = input.paths ?? DEFAULT_PATHS;
  const seed = seedOf(`${input.tenantId}|${todayIso}`);
  const base = {
    today: todayIso,
    currency: input.currency,
    basis,
    burnSdMinor: input.burnSdMinor,
    cashRunway,
    dataGaps: gaps,
    paths,
    seed,
    horizonDays: input.horizonDays,
  };
  // Stage timing spread learned from completed stays where there are enough; else a moderate default.
  const logs = cal.stages.flatMap((s) =>
    s.medianStayDays
      ? s.staySamples.map((x) => Math.log(Math.max(1, x) / Math.max(1, s.medianStayDays!)))
      : [],
  );
  const timingSigma =
    logs.length >= 10 ? Math.min(1, Math.sqrt(logs.reduce((a, b) => a + b * b, 0) / logs.length)) : 0.35;
  const checkpoints = checkpointDays(todayIso, input.horizonDays, input.at ?? []);
  const sim = simulateCash({
    // Without an opening balance the paths start at 0: bands are the net change from today.
    openingMinor: basis.openingMinor ?? 0,
    monthlyBurnMinor: basis.monthlyBurnMinor ?? 0,
    burnSdMinor: basis.monthlyBurnMinor === null ? 0 : input.burnSdMinor,
    deals: simDeals,
    receivables: simReceivables,
    delays: { samples: cal.delays.samples, byCustomer: cal.delays.byCustomer, prior: cal.prior.customer },
    timingSigma,
    checkpoints,
    runwayDays: RUNWAY_SEARCH_DAYS,
    horizonDays: input.horizonDays,
    paths,
    seed,
  });
  const median = medianRunwayDays(sim);
  const expectedRunway: ExpectedRunway =
    basis.openingMinor === null
      ? { kind: "unknown", reason: "no cash_balance series to start from" }
      : basis.monthlyBurnMinor === null
        ? { kind: "unknown", reason: "no expense figures to burn against" }
        : median === null
          ? { kind: "beyond", days: RUNWAY_SEARCH_DAYS }
          : { kind: "days", days: median, on: addDaysIso(todayIso, median) };
  const horizonOn = addDaysIso(todayIso, input.horizonDays);
  return {
    ...base,
    expectedRunway,
    bands: sim.bands.map((b) => ({ ...b, on: addDaysIso(todayIso, b.day) })),
    negative:
      basis.openingMinor === null
        ? null
        : { by: horizonOn, probability: probabilityNegativeBy(sim, input.horizonDays) },
    drivers: sim.drivers.slice(0, 3),
  };
}

/** The band for a date (the checkpoint on or before it). */
export function bandOn(o: CashOutlook, iso: string): (Band & { on: string }) | undefined {
  let best: (Band & { on: string }) | undefined;
  for (const b of o.bands) if (b.on <= iso) best = b;
  return best;
}
