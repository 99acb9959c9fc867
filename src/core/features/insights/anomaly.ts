import { mad, median, rollingMedian } from "./stats.js";

export interface Anomaly {
  index: number;
  /** Present when dates were passed in. */
  date?: string;
  value: number;
  expected: number;
  /** Robust z-score of the residual (0.6745·(r − median)/MAD); sign follows the direction. */
  score: number;
  direction: "up" | "down";
}

export interface AnomalyOptions {
  /** Season length in points; 7 (weekly) for daily data. Use 1 for no seasonality. */
  period?: number;
  /**
   * |robust z| above which a point is an anomaly. Default 4: a little stricter than the
   * Iglewicz–Hoaglin 3.5, because on daily business data 3.5 flags ~1 % of ordinary days.
   */
  threshold?: number;
  /** "auto" works on logs when every value is positive, so seasonality scales with the level. */
  mode?: "auto" | "additive" | "multiplicative";
  dates?: readonly string[];
  /** Only report anomalies among the last N points (the whole series is still used to fit). */
  lastN?: number;
}

/**
 * Seasonality-aware, outlier-robust anomaly detection: a median-based decomposition (rolling-median
 * trend, per-phase median seasonal profile, refined once) and a robust z-score of the residuals
 * via the MAD. Medians throughout, so the anomalies themselves barely move the baseline.
 */
export function detectAnomalies(values: readonly number[], opts: AnomalyOptions = {}): Anomaly[] {
  const n = values.length;
  const period = Math.max(1, Math.floor(opts.period ?? 7));
  const threshold = opts.threshold ?? 4;
  if (n < Math.max(2 * period, 8)) return [];
  const mode = opts.mode ?? "auto";
  const useLog = mode === "multiplicative" || (mode === "auto" && values.every((v) => v > 0));
  const x = useLog ? values.map((v) => Math.log(v)) : [...values];

  // An odd window spanning one full season averages the seasonal pattern out of the trend.
  const window = period % 2 === 1 ? Math.max(period, 5) : period + 1;
  let trend = rollingMedian(x, window);
  let seasonal = seasonalProfile(x, trend, period);
  // Second pass: a trend of the deseasonalised series is less distorted by the weekly shape.
  trend = rollingMedian(
    x.map((v, i) => v - (seasonal[i % period] ?? 0)),
    window,
  );
  seasonal = seasonalProfile(x, trend, period);

  const baseline = x.map((_, i) => (trend[i] ?? 0) + (seasonal[i % period] ?? 0));
  const resid = x.map((v, i) => v - (baseline[i] ?? 0));
  const center = median(resid);
  const spread = mad(resid, center);
  if (!(spread > 0)) return [];

  const from = opts.lastN !== undefined ? Math.max(0, n - opts.lastN) : 0;
  const out: Anomaly[] = [];
  for (let i = from; i < n; i++) {
    const score = (0.6745 * ((resid[i] ?? 0) - center)) / spread;
    if (Math.abs(score) <= threshold) continue;
    const b = baseline[i] ?? 0;
    const date = opts.dates?.[i];
    out.push({
      index: i,
      ...(date !== undefined ? { date } : {}),
      value: values[i] ?? 0,
      expected: useLog ? Math.exp(b) : b,
      score,
      direction: score > 0 ? "up" : "down",
    });
  }
  return out;
}

function seasonalProfile(x: readonly number[], trend: readonly number[], period: number): number[] {
  if (period === 1) return [0];
  const detrended = x.map((v, i) => v - (trend[i] ?? 0));
  const prof = Array.from({ length: period }, (_, p) => median(detrended.filter((_, i) => i % period === p)));
  const m = prof.reduce((s, v) => s + v, 0) / period;
  return prof.map((v) => v - m); // centred, so the level stays in the trend
}
