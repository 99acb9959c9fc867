import { type ChartInput, compactNumber } from "./chart.js";

/**
 * The forecast part of a chart as compact text for terminals: one row per step on a shared scale,
 * `░` across the band (80 % or P10–P90), `●` at the point forecast, `│` at zero when the range crosses
 * it. At most `rows` steps (evenly picked, always the last), so a 52-week answer stays short.
 *
 *   2026-12-10 ░░░░●░░░░░         12.0k (10.1k–14.2k)
 */
export function unicodeChart(input: ChartInput, opts: { width?: number; rows?: number } = {}): string {
  const width = opts.width ?? 28;
  const { point, lower, upper } = input.forecast;
  const n = point.length;
  if (n === 0) return "";
  const labels = input.labels.slice(input.actual.length);
  const pick = pickRows(n, opts.rows ?? 8);
  const values = pick
    .flatMap((i) => [lower[i], upper[i], point[i]])
    .filter((v): v is number => Number.isFinite(v));
  const last = input.actual[input.actual.length - 1];
  if (last !== undefined && Number.isFinite(last)) values.push(last);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const col = (v: number) =>
    Math.max(0, Math.min(width - 1, Math.round(((v - lo) / (hi - lo)) * (width - 1))));
  const zero = lo < 0 && hi > 0 ? col(0) : -1;
  const labelWidth = Math.max(0, ...pick.map((i) => (labels[i] ?? `+${i + 1}`).length));
  const lines = [`${input.title} — ${input.legend ?? "forecast with 80 % interval"}`];
  if (last !== undefined && Number.isFinite(last)) {
    const row = Array.from({ length: width }, (_, c): string => (c === zero ? "│" : " "));
    row[col(last)] = "◆";
    lines.push(`${"now".padEnd(labelWidth)} ${row.join("")} ${compactNumber(last)}`);
  }
  for (const i of pick) {
    const l = lower[i] as number;
    const u = upper[i] as number;
    const p = point[i] as number;
    const row = Array.from({ length: width }, (_, c): string => (c === zero ? "│" : " "));
    for (let c = col(Math.min(l, u)); c <= col(Math.max(l, u)); c++) row[c] = "░";
    if (zero >= 0) row[zero] = "│";
    row[col(p)] = "●";
    lines.push(
      `${(labels[i] ?? `+${i + 1}`).padEnd(labelWidth)} ${row.join("")} ${compactNumber(p)} (${compactNumber(l)}–${compactNumber(u)})`,
    );
  }
  return lines.join("\n");
}

/** `rows` indices spread over 0..n-1, always including the first and the last. */
function pickRows(n: number, rows: number): number[] {
  if (n <= rows) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < rows; k++) out.add(Math.round((k * (n - 1)) / (rows - 1)));
  return [...out].sort((a, b) => a - b);
}
