import { forecast } from "../forecast/index.js";
import { periodAfter, periodStart } from "./aggregate.js";
import { dayOf, diffDaysIso } from "./dates.js";
import type { BucketKind } from "./types.js";

export interface PaymentRow {
  paidOn: string;
  amountMinor: number;
}

export interface CollectionsHistory {
  /** Complete calendar periods, oldest first, from the first payment to the last period before today's. */
  periods: { start: string; amountMinor: number }[];
  /** Received so far in the current (incomplete) period. */
  currentToDateMinor: number;
}

/** Payments summed per calendar week or month; empty periods count as 0, the running period is kept apart. */
export function collectionsHistory(
  payments: readonly PaymentRow[],
  kind: BucketKind,
  today: Date,
): CollectionsHistory {
  const current = periodStart(dayOf(today), kind);
  const sums = new Map<string, number>();
  let currentToDateMinor = 0;
  let first: string | undefined;
  for (const p of payments) {
    if (p.paidOn > dayOf(today)) continue;
    const start = periodStart(p.paidOn, kind);
    if (start >= current) currentToDateMinor += p.amountMinor;
    else {
      sums.set(start, (sums.get(start) ?? 0) + p.amountMinor);
      if (!first || start < first) first = start;
    }
  }
  const periods: CollectionsHistory["periods"] = [];
  for (let s = first; s && s < current; s = periodAfter(s, kind))
    periods.push({ start: s, amountMinor: sums.get(s) ?? 0 });
  return { periods, currentToDateMinor };
}

export type HistoryForecast =
  | {
      ok: true;
      model: string;
      /** Backtest error of the chosen model (sMAPE, %). */
      smape: number;
      periods: number;
      /** Expected collections per bucket (point, and the 80 % interval), pro-rated for clipped buckets. */
      byBucket: { pointMinor: number; lower80Minor: number; upper80Minor: number }[];
    }
  | { ok: false; reason: string };

/**
 * Forecasts collections from their own history (the forecast engine picks the model by backtest)
 * and lays the forecast onto the report's buckets. A bucket covering part of a calendar period gets
 * that share of the period's forecast, by days. Not added to the pipeline figures: historical
 * collections came from past pipeline deals, so adding both would count the same money twice.
 */
export async function forecastCollections(
  history: CollectionsHistory,
  buckets: readonly { start: string; end: string }[],
  kind: BucketKind,
  today: Date,
): Promise<HistoryForecast> {
  const current = periodStart(dayOf(today), kind);
  const last = buckets[buckets.length - 1];
  if (!last) return { ok: false, reason: "no buckets in the horizon" };
  // Step 1 is the current period; count periods up to the one holding the last bucket.
  let steps = 0;
  for (let s = current; s <= last.end; s = periodAfter(s, kind)) steps++;
  const values = history.periods.map((p) => p.amountMinor);
  // The periods' dates give the seasonality (monthly → 12).
  const res = await forecast(values, { horizon: steps, dates: history.periods.map((p) => p.start) });
  if (!res.ok) return { ok: false, reason: res.reason };
  const f = res.value;
  const byBucket = buckets.map((b) => {
    const start = periodStart(b.start, kind);
    let step = 0;
    for (let s = current; s < start; s = periodAfter(s, kind)) step++;
    const periodDays = diffDaysIso(start, periodAfter(start, kind));
    const share = (diffDaysIso(b.start, b.end) + 1) / periodDays;
    // Negative collections are not a thing; interval bounds can dip below zero.
    const v = (xs: number[]) => Math.max(0, Math.round((xs[step] ?? 0) * share));
    return { pointMinor: v(f.forecast), lower80Minor: v(f.lower80), upper80Minor: v(f.upper80) };
  });
  return { ok: true, model: f.model, smape: f.backtest.smape, periods: values.length, byBucket };
}

/** Average collections per month over the last three complete months (the derived burn, see report). */
export function trailingMonthlyCollections(payments: readonly PaymentRow[], today: Date): number | null {
  const h = collectionsHistory(payments, "month", today);
  const last = h.periods.slice(-3);
  if (last.length < 3) return null;
  return Math.round(last.reduce((s, p) => s + p.amountMinor, 0) / 3);
}
