/** Forecast accuracy measures, M3 definitions. */

/** M3 sMAPE in percent: mean over the horizon of 200·|y−ŷ|/(|y|+|ŷ|); a 0/0 step counts as 0. */
export function smape(actual: readonly number[], predicted: readonly number[]): number {
  let s = 0;
  const n = Math.min(actual.length, predicted.length);
  for (let i = 0; i < n; i++) s += smapeStep(actual[i] as number, predicted[i] as number);
  return n ? s / n : Number.NaN;
}

export function smapeStep(y: number, f: number): number {
  const den = Math.abs(y) + Math.abs(f);
  return den === 0 ? 0 : (200 * Math.abs(y - f)) / den;
}

/**
 * In-sample mean absolute seasonal-naive error, the MASE denominator. Falls back to lag 1 when the
 * history is shorter than one season plus one; null when the series never changes.
 */
export function maseScale(train: readonly number[], season: number): number | null {
  const lag = season > 1 && train.length > season ? season : 1;
  let s = 0;
  let k = 0;
  for (let t = lag; t < train.length; t++) {
    s += Math.abs((train[t] as number) - (train[t - lag] as number));
    k++;
  }
  const scale = k ? s / k : 0;
  return scale > 0 ? scale : null;
}

export function mase(
  actual: readonly number[],
  predicted: readonly number[],
  scale: number | null,
): number | null {
  if (scale === null) return null;
  let s = 0;
  const n = Math.min(actual.length, predicted.length);
  for (let i = 0; i < n; i++) s += Math.abs((actual[i] as number) - (predicted[i] as number));
  return n ? s / n / scale : null;
}
