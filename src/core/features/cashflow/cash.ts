import { addDaysIso, dayOf, diffDaysIso } from "./dates.js";
import type { CashBasis, CashProjection, Inflow, Runway } from "./types.js";

/** How far the runway search looks before answering "beyond". */
export const RUNWAY_CAP_DAYS = 1095;
const DAYS_PER_MONTH = 365 / 12;

export interface MetricPoint {
  on: string;
  value: number;
}

/** Metric values are stored in major units (e.g. dollars); the feature works in minor units. */
export const toMinor = (major: number): number => Math.round(major * 100);

/**
 * Monthly burn from an expense series of any frequency: the mean of the last three monthly points,
 * or the daily/weekly points of the last 90 days scaled to a month. Null when there are no points.
 */
export function monthlyFromExpenseSeries(
  points: readonly MetricPoint[],
  frequency: "day" | "week" | "month",
  today: string,
): number | null {
  const sorted = points.filter((p) => p.on <= today).sort((a, b) => a.on.localeCompare(b.on));
  if (sorted.length === 0) return null;
  if (frequency === "month") {
    const last = sorted.slice(-3);
    return toMinor(last.reduce((s, p) => s + p.value, 0) / last.length);
  }
  const since = addDaysIso(today, -90);
  const recent = sorted.filter((p) => p.on > since);
  if (recent.length === 0) return null;
  const span = frequency === "week" ? recent.length * 7 : recent.length;
  return toMinor((recent.reduce((s, p) => s + p.value, 0) / span) * DAYS_PER_MONTH);
}

/**
 * Walks day by day from today: balance(d) = opening + inflows dated up to today + d − burn spread
 * evenly over the days. Without an opening balance the walk starts at 0 and shows the net change
 * from today; the runway then stays unknown because it would be a guess.
 */
export function projectCash(
  basis: CashBasis,
  inflows: readonly Inflow[],
  bucketEnds: readonly { label: string; end: string }[],
  today: Date,
  horizonDays: number,
): CashProjection {
  const todayIso = dayOf(today);
  const start = basis.openingMinor ?? 0;
  const burn = basis.monthlyBurnMinor ?? 0;
  const byDay = new Map<number, number>();
  for (const f of inflows) {
    const d = Math.max(1, diffDaysIso(todayIso, f.on));
    byDay.set(d, (byDay.get(d) ?? 0) + f.amountMinor);
  }
  const last = Math.max(horizonDays, RUNWAY_CAP_DAYS);
  // balances[d] for d = 0..last; burn is cumulated and rounded per day, never per step, to avoid drift.
  const balances: number[] = [start];
  let inflowSum = 0;
  for (let d = 1; d <= last; d++) {
    inflowSum += byDay.get(d) ?? 0;
    balances.push(start + inflowSum - Math.round((burn * 12 * d) / 365));
  }
  const at = (iso: string) => balances[Math.min(last, Math.max(0, diffDaysIso(todayIso, iso)))] ?? start;
  return {
    basis,
    positions: bucketEnds.map((b) => ({ label: b.label, end: b.end, balanceMinor: at(b.end) })),
    balanceAtHorizonMinor: balances[horizonDays] ?? start,
    runway: runwayFrom(basis, balances, todayIso),
  };
}

function runwayFrom(basis: CashBasis, balances: readonly number[], todayIso: string): Runway {
  if (basis.openingMinor === null) return { kind: "unknown", reason: "no cash_balance series to start from" };
  if (basis.monthlyBurnMinor === null)
    return { kind: "unknown", reason: "no expense figures to burn against" };
  const d = balances.findIndex((b) => b < 0);
  if (d === -1) return { kind: "beyond", days: balances.length - 1 };
  return { kind: "days", days: d, on: addDaysIso(todayIso, d) };
}

/**
 * Days the runway moved between two projections (negative = shorter). Both beyond the search cap
 * counts as no change; any other mix with "beyond" or "unknown" has no honest number: null.
 */
export function runwayDeltaDays(base: Runway, next: Runway): number | null {
  if (base.kind === "days" && next.kind === "days") return next.days - base.days;
  if (base.kind === "beyond" && next.kind === "beyond") return 0;
  return null;
}
