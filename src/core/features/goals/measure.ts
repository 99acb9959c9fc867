import { formatMoney, formatNumber } from "../../kernel/format.js";
import type { Aggregation, GoalQuery, MetricInfo, SeriesPoint } from "./types.js";

const WINDOW: Record<MetricInfo["frequency"], number> = { day: 30, week: 4, month: 1 };
const DAYS_PER_POINT: Record<MetricInfo["frequency"], number> = { day: 1, week: 7, month: 30 };

/** Levels (rates, percentages, averages) are averaged over the window; flows (revenue, orders) summed. */
export function aggregationFor(m: MetricInfo): Aggregation {
  return /%|pct|percent|rate|ratio|average|avg|margin|mean|per /i.test(`${m.key} ${m.name} ${m.unit}`)
    ? "mean"
    : "sum";
}

export function goalQueryFor(m: MetricInfo): GoalQuery {
  const aggregation = aggregationFor(m);
  const windowPoints = WINDOW[m.frequency];
  const span = windowPoints * DAYS_PER_POINT[m.frequency];
  return {
    metric: m.key,
    aggregation,
    windowPoints,
    frequency: m.frequency,
    label: `${span}-day ${aggregation === "sum" ? "total" : "average"}`,
  };
}

export function pointsForDays(days: number, frequency: MetricInfo["frequency"]): number {
  return Math.max(1, Math.round(days / DAYS_PER_POINT[frequency]));
}

/** The window aggregate ending at index `end` (inclusive); null when the window is not covered. */
export function windowValue(
  values: readonly number[],
  end: number,
  q: Pick<GoalQuery, "aggregation" | "windowPoints">,
): number | null {
  const start = end - q.windowPoints + 1;
  if (start < 0 || end >= values.length) return null;
  let s = 0;
  for (let i = start; i <= end; i++) s += values[i] as number;
  return q.aggregation === "sum" ? s : s / q.windowPoints;
}

/** Index of the last point on or before `date` (points sorted by date), or -1. */
export function indexAtOrBefore(points: readonly SeriesPoint[], date: string): number {
  let lo = 0;
  let hi = points.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as SeriesPoint).date <= date) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** A figure in the metric's unit: "$41,250", "42.5 %", "1,204 orders". */
export function formatValue(v: number, unit: string): string {
  if (/^(USD|EUR|GBP|SAR|AED)$/i.test(unit)) return formatMoney(Math.round(v * 100), unit.toUpperCase());
  if (unit === "%") return `${formatNumber(v, 1)} %`;
  return `${formatNumber(v, v < 100 ? 1 : 0)}${unit ? ` ${unit}` : ""}`;
}

/** "+12.3 %" */
export function formatGrowth(g: number): string {
  return `${g >= 0 ? "+" : "−"}${formatNumber(Math.abs(g) * 100, 1)} %`;
}

/** Rounds a target to a number people write: 3 significant digits. */
export function niceRound(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const mag = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 2);
  return Math.round(v / mag) * mag;
}
