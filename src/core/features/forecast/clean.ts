import { fail, ok, type Result } from "../../kernel/errors.js";

/**
 * Turns raw input (numbers, NaN, null, undefined) into a gap-free series: interior gaps are linearly
 * interpolated and leading/trailing gaps take the nearest observed value, so positions (and with them
 * the seasonal phase) are preserved.
 */
export function cleanSeries(
  values: readonly (number | null | undefined)[],
): Result<{ y: number[]; filled: number }> {
  const known: number[] = [];
  values.forEach((v, i) => {
    if (typeof v === "number" && Number.isFinite(v)) known.push(i);
  });
  if (known.length === 0) return fail("the series has no numeric values");
  const y = values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN));
  const first = known[0] as number;
  const last = known[known.length - 1] as number;
  for (let i = 0; i < first; i++) y[i] = y[first] as number;
  for (let i = last + 1; i < y.length; i++) y[i] = y[last] as number;
  for (let k = 0; k + 1 < known.length; k++) {
    const a = known[k] as number;
    const b = known[k + 1] as number;
    for (let i = a + 1; i < b; i++)
      y[i] = (y[a] as number) + (((y[b] as number) - (y[a] as number)) * (i - a)) / (b - a);
  }
  return ok({ y, filled: values.length - known.length });
}
