import { acf, qnorm } from "./stats.js";

/**
 * The seasonality test used by the M3 Theta method and R's `thetaf`: the lag-m autocorrelation must
 * exceed the 90 % two-sided bound under Bartlett's variance for the lower lags.
 */
export function isSeasonal(y: readonly number[], m: number, level = 0.9): boolean {
  if (m <= 1 || y.length < 3 * m) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += (r[k] as number) ** 2;
  const stat = Math.sqrt((1 + 2 * s) / y.length);
  return Math.abs(r[m - 1] as number) / stat > qnorm(0.5 + level / 2);
}

/**
 * Seasonal indices of a classical multiplicative decomposition (R's `decompose(type = "multiplicative")`):
 * ratio of the data to a centred moving average, averaged per position and normalised to mean 1.
 * `index[i]` applies to the points at positions t ≡ i (mod m). Returns null when it cannot be
 * computed (too short, or non-positive data).
 */
export function multiplicativeIndices(y: readonly number[], m: number): number[] | null {
  const n = y.length;
  if (m <= 1 || n < 2 * m) return null;
  if (y.some((v) => v <= 0)) return null;
  const half = Math.floor(m / 2);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    let ma = 0;
    if (m % 2 === 0) {
      ma += 0.5 * ((y[t - half] as number) + (y[t + half] as number));
      for (let k = -half + 1; k < half; k++) ma += y[t + k] as number;
    } else {
      for (let k = -half; k <= half; k++) ma += y[t + k] as number;
    }
    ma /= m;
    if (ma <= 0) continue;
    sums[t % m] = (sums[t % m] as number) + (y[t] as number) / ma;
    counts[t % m] = (counts[t % m] as number) + 1;
  }
  const fig = sums.map((s, i) => ((counts[i] as number) > 0 ? s / (counts[i] as number) : 1));
  const avg = fig.reduce((a, b) => a + b, 0) / m;
  if (!(avg > 0)) return null;
  return fig.map((f) => f / avg);
}

/** Seasonal adjustment by the classical multiplicative decomposition when the 90 % test passes. */
export function deseasonalize(y: readonly number[], m: number): { adjusted: number[]; indices: number[] | null } {
  const idx = isSeasonal(y, m) ? multiplicativeIndices(y, m) : null;
  if (!idx) return { adjusted: [...y], indices: null };
  return { adjusted: y.map((v, t) => v / (idx[t % m] as number)), indices: idx };
}

/** Puts the seasonal pattern back on forecasts that start right after a history of length n. */
export function reseasonalize(f: readonly number[], indices: readonly number[] | null, n: number): number[] {
  if (!indices) return [...f];
  const m = indices.length;
  return f.map((v, i) => v * (indices[(n + i) % m] as number));
}

/**
 * Picks the seasonal period of a series with unknown frequency: the candidate whose lag
 * autocorrelation of the differenced series (differencing so a trend does not look seasonal) is
 * significant at 90 % and strongest. Returns 1 when nothing is.
 */
export function detectSeason(values: readonly number[], candidates: readonly number[] = [7, 12, 52, 4, 24]): number {
  const y = values.filter((v) => Number.isFinite(v));
  const d = y.slice(1).map((v, i) => v - (y[i] as number));
  let best = 1;
  let bestScore = 0;
  for (const m of candidates) {
    if (m <= 1 || d.length < 3 * m) continue;
    const r = acf(d, m);
    let s = 0;
    for (let k = 0; k < m - 1; k++) s += (r[k] as number) ** 2;
    const score = (r[m - 1] as number) / Math.sqrt((1 + 2 * s) / d.length);
    if (score > qnorm(0.95) && score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}
