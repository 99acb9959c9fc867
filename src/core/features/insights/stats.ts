/** Small robust-statistics helpers shared by anomaly detection and root cause. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Median absolute deviation (unscaled). */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

export function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** Centered rolling median; the window shrinks at the edges instead of producing gaps. */
export function rollingMedian(values: readonly number[], window: number): number[] {
  const half = Math.floor(window / 2);
  return values.map((_, i) =>
    median(values.slice(Math.max(0, i - half), Math.min(values.length, i + half + 1))),
  );
}

/** Pearson correlation; NaN when either side is constant. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return Number.NaN;
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Removes a repeating pattern of length `period` by subtracting each phase's median. */
export function removeSeasonalMedian(values: readonly number[], period: number): number[] {
  const phases = Array.from({ length: period }, (_, p) => median(values.filter((_, i) => i % period === p)));
  return values.map((v, i) => v - (phases[i % period] ?? 0));
}

export function diff(values: readonly number[]): number[] {
  return values.slice(1).map((v, i) => v - (values[i] ?? 0));
}
