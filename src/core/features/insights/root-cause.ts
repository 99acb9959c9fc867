import { plural } from "../../kernel/text.js";
import { type GrangerLagResult, grangerBestLag } from "./granger.js";
import { correlation, diff, mean, removeSeasonalMedian, sum } from "./stats.js";

export interface MetricInput {
  key: string;
  name?: string;
  values: readonly number[];
  /**
   * How a period's value is formed: flows (revenue, orders) add up over the days; levels and rates
   * (gross margin %, balance, average order value) are averaged — 30 daily percentages never add up.
   */
  kind?: "flow" | "level";
}

export interface Window {
  /** First index (inclusive). */
  start: number;
  /** Last index (exclusive). */
  end: number;
}

export interface RootCauseInput {
  target: MetricInput;
  /** Period under question, e.g. last month. */
  current: Window;
  /** Comparable period; defaults to the same number of days just before `current`. */
  previous?: Window;
  /** target = Π components ("product", first one a volume, e.g. orders × AOV) or Σ components ("sum"). */
  components?: { kind: "product" | "sum"; series: MetricInput[] };
  /** Candidate drivers, aligned with the target (same days). */
  drivers?: MetricInput[];
  maxLag?: number;
  lagSelection?: "aic" | "bic" | "min-p";
  /** Significance level for "leads" claims (default 0.05). */
  alpha?: number;
  /** Season length removed before testing drivers (default 7 for daily data). */
  period?: number;
}

export interface Contribution {
  key: string;
  name: string;
  /** Part of the target's change attributed to this component (sums to the total change). */
  amount: number;
}

export interface DriverFinding {
  key: string;
  name: string;
  /** Lag (days) with the strongest cross-correlation of the prepared series, 0..maxLag. */
  leadDays: number;
  correlation: number;
  granger: Pick<GrangerLagResult, "lag" | "F" | "pValue" | "dfNum" | "dfDenom">;
  /** The p-value adjusted for the number of drivers tested (Benjamini–Hochberg). */
  qValue: number;
  significant: boolean;
  /** Driver's relative change between the two windows shifted by `leadDays`. */
  change: number;
  text: string;
}

export interface RootCauseResult {
  change: { previous: number; current: number; amount: number; relative: number };
  contributions: Contribution[];
  drivers: DriverFinding[];
  explanation: string[];
}

const label = (m: MetricInput) => m.name ?? m.key.replace(/_/g, " ");
const windowSum = (v: readonly number[], w: Window) => sum(v.slice(Math.max(0, w.start), Math.max(0, w.end)));
const windowMean = (v: readonly number[], w: Window) => {
  const xs = v.slice(Math.max(0, w.start), Math.max(0, w.end));
  return xs.length ? sum(xs) / xs.length : 0;
};

/**
 * Benjamini–Hochberg adjusted p-values (q-values): with many drivers tested at once, a driver is
 * called significant only when its q is below α, which keeps the expected share of false leads ≤ α.
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const q = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const { p, i } = order[k]!;
    running = Math.min(running, (p * m) / (k + 1));
    q[i] = Math.min(1, running);
  }
  return q;
}

/** "p < 0.001" or "p = 0.023", as people quote it. */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

function pctText(r: number): string {
  return `${r >= 0 ? "+" : "−"}${Math.abs(r * 100).toFixed(1)} %`;
}

/**
 * Log-mean (LMDI) split of a product's change: each factor gets L(T₁,T₀)·ln(C₁/C₀), which adds up
 * exactly to T₁ − T₀. Period factors: the first component summed (a volume), the others averaged;
 * any mismatch with the target (mix effects) is reported as "mix".
 */
function productContributions(
  target: MetricInput,
  comps: MetricInput[],
  cur: Window,
  prev: Window,
): Contribution[] {
  const t1 = windowSum(target.values, cur);
  const t0 = windowSum(target.values, prev);
  if (!(t1 > 0 && t0 > 0)) return [];
  const w = Math.abs(t1 - t0) < 1e-12 ? t1 : (t1 - t0) / (Math.log(t1) - Math.log(t0));
  const factor = (c: MetricInput, i: number, win: Window) =>
    i === 0 ? windowSum(c.values, win) : mean(c.values.slice(win.start, win.end));
  const out: Contribution[] = [];
  let logProd1 = 0;
  let logProd0 = 0;
  comps.forEach((c, i) => {
    const c1 = factor(c, i, cur);
    const c0 = factor(c, i, prev);
    logProd1 += Math.log(c1);
    logProd0 += Math.log(c0);
    out.push({ key: c.key, name: label(c), amount: w * (Math.log(c1) - Math.log(c0)) });
  });
  const mix = w * (Math.log(t1) - logProd1 - (Math.log(t0) - logProd0));
  if (Math.abs(mix) > 1e-9 * Math.abs(t1)) out.push({ key: "mix", name: "mix and rounding", amount: mix });
  return out;
}

function sumContributions(
  target: MetricInput,
  comps: MetricInput[],
  cur: Window,
  prev: Window,
): Contribution[] {
  const out = comps.map((c) => ({
    key: c.key,
    name: label(c),
    amount: windowSum(c.values, cur) - windowSum(c.values, prev),
  }));
  const rest = windowSum(target.values, cur) - windowSum(target.values, prev) - sum(out.map((c) => c.amount));
  if (Math.abs(rest) > 1e-9) out.push({ key: "other", name: "other", amount: rest });
  return out;
}

/**
 * Logs (when positive, so weekly shapes that scale with the level come out), seasonal medians
 * removed, then differenced: trends and weekday shapes would otherwise fake correlation.
 */
function prepare(values: readonly number[], period: number): number[] {
  const src = values.every((v) => v > 0) ? values.map(Math.log) : [...values];
  return diff(period > 1 ? removeSeasonalMedian(src, period) : src);
}

function testDriver(
  input: RootCauseInput,
  driver: MetricInput,
  end: number,
  adjust: (p: number) => number,
): DriverFinding {
  const period = input.period ?? 7;
  const maxLag = input.maxLag ?? 14;
  const alpha = input.alpha ?? 0.05;
  const y = prepare(input.target.values.slice(0, end), period);
  const x = prepare(driver.values.slice(0, end), period);
  let leadDays = 0;
  let best = 0;
  for (let lag = 0; lag <= maxLag; lag++) {
    const r = correlation(x.slice(0, x.length - lag), y.slice(lag));
    if (Number.isFinite(r) && Math.abs(r) > Math.abs(best)) {
      best = r;
      leadDays = lag;
    }
  }
  const g = grangerBestLag(x, y, maxLag, input.lagSelection ?? "aic");
  const prev = input.previous ?? {
    start: input.current.start - (input.current.end - input.current.start),
    end: input.current.start,
  };
  const shift = (w: Window) => ({ start: w.start - leadDays, end: w.end - leadDays });
  const dAgg = driver.kind === "level" ? windowMean : windowSum;
  const d1 = dAgg(driver.values, shift(input.current));
  const d0 = dAgg(driver.values, shift(prev));
  const change = d0 === 0 ? 0 : d1 / d0 - 1;
  const q = adjust(g.pValue);
  const significant = q < alpha;
  const name = label(driver);
  const target = label(input.target).toLowerCase();
  const corrected =
    q !== g.pValue
      ? `; Benjamini–Hochberg q = ${q < 0.001 ? "< 0.001" : q.toFixed(3)} across the drivers tested`
      : "";
  const test = `Granger F-test with ${plural(g.lag, "lag")}, ${formatP(g.pValue)}${corrected}`;
  const days = plural(leadDays, "day");
  const text = significant
    ? `${name} leads ${target} by ${days}: the correlation peaks at a ${days} lag (r = ${best.toFixed(2)}) and past ${name.toLowerCase()} helps predict ${target} (${test}). It changed ${pctText(change)} in the matching window ${days} earlier.`
    : `No evidence that ${name.toLowerCase()} leads ${target} (${test}).`;
  return {
    key: driver.key,
    name,
    leadDays,
    correlation: best,
    granger: { lag: g.lag, F: g.F, pValue: g.pValue, dfNum: g.dfNum, dfDenom: g.dfDenom },
    qValue: q,
    significant,
    change,
    text,
  };
}

/**
 * "Why did X change?": the change between two comparable periods, split into component
 * contributions, and candidate drivers tested by lagged correlation and Granger causality on
 * history up to the end of the current period. Pure: arrays in, findings and sentences out.
 */
export function analyzeRootCause(input: RootCauseInput): RootCauseResult {
  const cur = input.current;
  const prev = input.previous ?? { start: cur.start - (cur.end - cur.start), end: cur.start };
  const agg = input.target.kind === "level" ? windowMean : windowSum;
  const current = agg(input.target.values, cur);
  const previous = agg(input.target.values, prev);
  const amount = current - previous;
  const relative = previous === 0 ? 0 : amount / previous;
  const name = label(input.target);
  const comps = input.components;
  const contributions = !comps
    ? []
    : comps.kind === "product"
      ? productContributions(input.target, comps.series, cur, prev)
      : sumContributions(input.target, comps.series, cur, prev);
  // First pass for the p-values, then significance decided on the BH-adjusted values.
  const raw = (input.drivers ?? []).map((d) => testDriver(input, d, cur.end, (p) => p).granger.pValue);
  const qs = benjaminiHochberg(raw);
  const drivers = (input.drivers ?? [])
    .map((d, i) => testDriver(input, d, cur.end, () => qs[i]!))
    .sort((a, b) => a.granger.pValue - b.granger.pValue);

  const explanation = [
    `${name} ${amount < 0 ? "fell" : "rose"} ${pctText(relative)} (${fmt(previous)} → ${fmt(current)}) compared with the previous ${plural(cur.end - cur.start, "day")}.`,
  ];
  if (contributions.length > 0) {
    const parts = [...contributions]
      .sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount))
      .map((c) => `${c.name} ${c.amount >= 0 ? "+" : "−"}${fmt(Math.abs(c.amount))}`);
    explanation.push(`Split of the change: ${parts.join(", ")}.`);
  }
  explanation.push(...drivers.filter((d) => d.significant).map((d) => d.text));
  const none = drivers.filter((d) => !d.significant);
  if (none.length > 0) explanation.push(...none.map((d) => d.text));
  return { change: { previous, current, amount, relative }, contributions, drivers, explanation };
}

function fmt(v: number): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 }).format(v);
}
