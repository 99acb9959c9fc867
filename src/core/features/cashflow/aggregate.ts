import { addDaysIso, dayOf, maxIso, minIso, monthStart, nextMonth, weekStart } from "./dates.js";
import type { Aggregation, Amounts, Bucket, BucketKind, DealProjection, Inflow } from "./types.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const emptyAmounts = (): Amounts => ({
  invoicedMinor: 0,
  invoicedWeightedMinor: 0,
  collectedMinor: 0,
  collectedWeightedMinor: 0,
  invoiceCount: 0,
  paymentCount: 0,
});

/** Start of the calendar period (Monday-based week or month) that contains `iso`. */
export function periodStart(iso: string, kind: BucketKind): string {
  return kind === "week" ? weekStart(iso) : monthStart(iso);
}

/** Start of the calendar period after the one starting at `start`. */
export function periodAfter(start: string, kind: BucketKind): string {
  return kind === "week" ? addDaysIso(start, 7) : nextMonth(start);
}

function label(start: string, kind: BucketKind): string {
  if (kind === "week") return `Week of ${start}`;
  return `${MONTHS[Number(start.slice(5, 7)) - 1]} ${start.slice(0, 4)}`;
}

/**
 * Calendar weeks (Monday–Sunday) or months covering the window (today, today + days], the first
 * and last clipped to it. Each bucket keeps its calendar period start in `periodStart`.
 */
export function makeBuckets(
  today: Date,
  days: number,
  kind: BucketKind,
): (Bucket & { periodStart: string; periodEnd: string })[] {
  const from = addDaysIso(dayOf(today), 1);
  const to = addDaysIso(dayOf(today), days);
  const out: (Bucket & { periodStart: string; periodEnd: string })[] = [];
  for (let p = periodStart(from, kind); p <= to; p = periodAfter(p, kind)) {
    const periodEnd = addDaysIso(periodAfter(p, kind), -1);
    out.push({
      ...emptyAmounts(),
      start: maxIso(p, from),
      end: minIso(periodEnd, to),
      label: label(p, kind),
      periodStart: p,
      periodEnd,
    });
  }
  return out;
}

/** Index of the bucket holding `iso`, or -1 when it lies outside them. */
export function bucketIndex(buckets: readonly Pick<Bucket, "start" | "end">[], iso: string): number {
  return buckets.findIndex((b) => b.start <= iso && iso <= b.end);
}

/**
 * Sums projected invoices (by invoice date) and collections (by payment date) per bucket, in full
 * and weighted by stage probability. Nothing is rounded here: every amount is a sum of integers,
 * so the buckets add up exactly to `inHorizon`, and `inHorizon + beyond + past` to the deal totals.
 */
export function aggregate(
  projections: readonly DealProjection[],
  bucket: BucketKind,
  horizon: { today: Date; days: number },
): Aggregation {
  const buckets = makeBuckets(horizon.today, horizon.days, bucket);
  const from = dayOf(horizon.today);
  const to = addDaysIso(from, horizon.days);
  const inHorizon = emptyAmounts();
  const beyond = emptyAmounts();
  // Only already-issued invoices (deals in an invoiced stage) date on or before today.
  const past = emptyAmounts();
  const target = (iso: string): Amounts[] => {
    if (iso <= from) return [past];
    if (iso > to) return [beyond];
    const b = buckets[bucketIndex(buckets, iso)];
    return b ? [b, inHorizon] : [beyond];
  };
  for (const p of projections) {
    for (const a of target(p.invoiceOn)) {
      a.invoicedMinor += p.valueMinor;
      a.invoicedWeightedMinor += p.weightedMinor;
      a.invoiceCount += 1;
    }
    for (const a of target(p.paidOn)) {
      a.collectedMinor += p.valueMinor;
      a.collectedWeightedMinor += p.weightedMinor;
      a.paymentCount += 1;
    }
  }
  return {
    bucket,
    from,
    to,
    buckets: buckets.map(({ periodStart: _p, periodEnd: _e, ...b }) => b),
    inHorizon,
    beyond,
    past,
  };
}

/** Sums dated amounts (e.g. open receivables) per bucket; amounts outside the buckets are dropped. */
export function sumByBucket(
  inflows: readonly Inflow[],
  buckets: readonly Pick<Bucket, "start" | "end">[],
): number[] {
  const out = buckets.map(() => 0);
  for (const f of inflows) {
    const i = bucketIndex(buckets, f.on);
    if (i >= 0) out[i] = (out[i] ?? 0) + f.amountMinor;
  }
  return out;
}

/** Weighted collections expected within the next `days` days (used for the 30/60/90 summary). */
export function collectedWithin(
  projections: readonly DealProjection[],
  today: Date,
  days: number,
): { weightedMinor: number; valueMinor: number; count: number } {
  const to = addDaysIso(dayOf(today), days);
  const from = dayOf(today);
  const hits = projections.filter((p) => p.paidOn > from && p.paidOn <= to);
  return {
    weightedMinor: hits.reduce((s, p) => s + p.weightedMinor, 0),
    valueMinor: hits.reduce((s, p) => s + p.valueMinor, 0),
    count: hits.length,
  };
}

/** Projected collections as dated inflows (weighted), for the cash position. */
export function collectionInflows(projections: readonly DealProjection[]): Inflow[] {
  return projections.map((p) => ({ on: p.paidOn, amountMinor: p.weightedMinor }));
}
