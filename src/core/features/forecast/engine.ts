import { fail, ok, type Result } from "../../kernel/errors.js";
import { arimaModel, loadArima } from "./arima.js";
import { type Calendar, calendarOf, datesAfter, seasonsFor } from "./calendar.js";
import { cleanSeries } from "./clean.js";
import { mase, maseScale, smapeStep } from "./metrics.js";
import {
  damped,
  ets,
  holt,
  type ModelContext,
  type ModelFn,
  type ModelOutput,
  naive,
  seasonalNaive,
  ses,
  theta,
  thetaWith,
} from "./models.js";
import { deseasonalize, detectSeasons, reseasonalize, strongSeason } from "./seasonality.js";
import { mean, median, qnorm, quantile } from "./stats.js";
import type { ForecastOptions, ForecastResult } from "./types.js";

/** Fewer points than this cannot support even a naive backtest. */
export const MIN_POINTS = 5;

const SINGLE_MODELS = [
  "ets",
  "theta",
  "theta1",
  "theta3",
  "holt",
  "damped",
  "ses",
  "naive",
  "snaive",
  "arima",
] as const;
/** Named combinations; any `mean(a,b,…)` or `median(a,b,…)` of single models also works. */
const NAMED_COMBOS: Record<string, string> = {
  combo: "mean(ses,theta,damped,ets)",
};
export const MODEL_NAMES: readonly string[] = [
  ...SINGLE_MODELS,
  ...Object.keys(NAMED_COMBOS),
  "mean(…)",
  "median(…)",
];

interface Combo {
  how: "mean" | "median";
  members: string[];
}

function parseCombo(name: string): Combo | null {
  const m = /^(mean|median)\(([a-z0-9,\s]+)\)$/.exec(NAMED_COMBOS[name] ?? name);
  if (!m) return null;
  return { how: m[1] as Combo["how"], members: (m[2] as string).split(",").map((x) => x.trim()) };
}
const isSingle = (name: string): boolean => (SINGLE_MODELS as readonly string[]).includes(name);
/**
 * Measured on training data only (bench/forecast/m3.ts --validate: the last 18 training points of
 * the 714 M3 monthly series held out): the equal-weight mean of SES, Theta, Damped and ETS scored
 * sMAPE 13.69 vs 13.98 for Theta alone and 15.1 for ETS alone, while picking per series the
 * candidate with the best rolling-origin backtest scored 14.70 — three origins are too noisy to
 * select on. So by default the combination is used; its members are still backtested and reported.
 */
export const DEFAULT_MODELS: readonly string[] = ["combo"];

/**
 * ARIMA's place in the pool is earned per series: with `arima: true` the combination with ARIMA as a
 * fifth member is backtested beside the default one and replaces it only when its rolling-origin
 * sMAPE is lower. Off by default because it did not pay: on the M3 validation split (every 7th of the
 * 714 series, the last 18 training points held out) admission by backtest scored sMAPE 13.47 against
 * 13.37 without ARIMA, at ~200× the time (bench/results/forecast-m3.md) — three origins are too few
 * to tell where the package's ARIMA helps, and it is weaker than R's auto.arima (see arima.ts).
 */
export const WITH_ARIMA = "mean(ses,theta,damped,ets,arima)";
/** Below this ARIMA cannot be fitted (arima.ts); above it a fit takes seconds, too slow for chat. */
const ARIMA_POINTS = { min: 24, max: 600 };

const LABELS: Record<string, string> = {
  ets: "ETS",
  theta: "Theta",
  damped: "Damped",
  ses: "SES",
  naive: "Naive",
  snaive: "Seasonal naive",
  arima: "ARIMA",
};

interface Plan {
  singles: string[];
  fns: Map<string, ModelFn>;
}

/**
 * A second, longer period (yearly on daily data) is taken out before the model sees the series and put
 * back on its forecasts, refitted at every backtest origin; the model itself handles the short one.
 */
function withOuterSeason(fn: ModelFn, outer: number): ModelFn {
  return (y, m, h, ctx) => {
    const { adjusted, adjustment } = deseasonalize(y, outer, strongSeason);
    if (!adjustment) return fn(y, m, h, ctx);
    const out = fn(adjusted, m, h, ctx);
    if (!out) return null;
    return {
      ...out,
      forecast: reseasonalize(out.forecast, adjustment, y.length),
      sd: out.sd ? reseasonalize(out.sd, adjustment, y.length, true) : null,
      params: { ...out.params, [`season${outer}`]: adjustment.type },
    };
  };
}

async function plan(models: readonly string[], outer?: number): Promise<Result<Plan>> {
  const unknown = models.filter((name) => !isSingle(name) && !parseCombo(name)?.members.every(isSingle));
  if (unknown.length) return fail(`unknown model ${unknown.join(", ")} (known: ${MODEL_NAMES.join(", ")})`);
  const singles = [...new Set(models.flatMap((name) => parseCombo(name)?.members ?? [name]))];
  const fns = new Map<string, ModelFn>([
    ["ets", ets],
    ["theta", theta],
    ["theta1", thetaWith(1.5)],
    ["theta3", thetaWith(3)],
    ["holt", holt],
    ["damped", damped],
    ["ses", ses],
    ["naive", naive],
    ["snaive", seasonalNaive],
  ]);
  if (singles.includes("arima")) {
    try {
      fns.set("arima", arimaModel(await loadArima()));
    } catch {
      // Without the WASM core ARIMA simply drops out of the candidates.
    }
  }
  if (outer) for (const [name, fn] of fns) fns.set(name, withOuterSeason(fn, outer));
  return ok({ singles, fns });
}

/** Fits every single model; a model that throws or returns garbage just drops out. */
function fitAll(
  p: Plan,
  y: readonly number[],
  m: number,
  h: number,
  ctxs: Map<string, ModelContext>,
): Map<string, ModelOutput> {
  const out = new Map<string, ModelOutput>();
  for (const name of p.singles) {
    const fn = p.fns.get(name);
    if (!fn) continue;
    let ctx = ctxs.get(name);
    if (!ctx) {
      ctx = {};
      ctxs.set(name, ctx);
    }
    try {
      const res = fn(y, m, h, ctx);
      if (res && res.forecast.length === h && res.forecast.every(Number.isFinite)) out.set(name, res);
    } catch {
      // fall through: the candidate is skipped
    }
  }
  return out;
}

/** Resolves a candidate (single or combination) from the fitted singles. */
function candidate(name: string, fits: Map<string, ModelOutput>): ModelOutput | null {
  const combo = parseCombo(name);
  if (!combo) return fits.get(name) ?? null;
  const agg = combo.how === "median" ? median : mean;
  const parts = combo.members
    .map((mname) => fits.get(mname))
    .filter((f): f is ModelOutput => f !== undefined);
  if (parts.length < 2) return null;
  const h = (parts[0] as ModelOutput).forecast.length;
  const forecast = Array.from({ length: h }, (_, i) => agg(parts.map((p) => p.forecast[i] as number)));
  const withSd = parts.filter((p) => p.sd !== null);
  const sd = withSd.length
    ? Array.from({ length: h }, (_, i) => mean(withSd.map((p) => (p.sd as number[])[i] as number)))
    : null;
  return {
    name: `Combination(${parts.map((p) => p.name).join(", ")})`,
    forecast,
    sd,
    params: { members: Object.fromEntries(parts.map((p) => [p.name, p.params])) },
  };
}

interface BacktestScore {
  /** |error| / forecast sd at every backtest origin and step, to calibrate the intervals. */
  z: number[];
  smape: number;
  mase: number | null;
  byStep: number[];
  origins: number;
}

/** Rolling origins: the last `hb` points, then earlier windows, each with enough history to fit. */
function origins(n: number, h: number, m: number, count: number): { hb: number; starts: number[] } {
  const minTrain = Math.max(MIN_POINTS, m > 1 && n >= 3 * m + 4 ? 2 * m + 2 : MIN_POINTS, Math.floor(n / 2));
  const hb = Math.min(h, n - minTrain);
  if (hb < 1) return { hb: 0, starts: [] };
  const step = Math.max(1, Math.floor(hb / 3));
  const starts: number[] = [];
  for (let j = 0; j < count; j++) {
    const o = n - hb - j * step;
    if (o >= minTrain) starts.push(o);
  }
  return { hb, starts };
}

function backtest(
  p: Plan,
  names: readonly string[],
  y: readonly number[],
  m: number,
  h: number,
  count: number,
  ctxs: Map<string, ModelContext>,
): Map<string, BacktestScore> {
  const { hb, starts } = origins(y.length, h, m, count);
  const acc = new Map<string, { steps: number[][]; mase: number[]; origins: number; z: number[] }>();
  for (const name of names)
    acc.set(name, { steps: Array.from({ length: hb }, () => []), mase: [], origins: 0, z: [] });
  for (const o of starts) {
    const train = y.slice(0, o);
    const actual = y.slice(o, o + hb);
    const fits = fitAll(p, train, m, hb, ctxs);
    const scale = maseScale(train, m);
    for (const name of names) {
      const c = candidate(name, fits);
      const a = acc.get(name);
      if (!c || !a) continue;
      a.origins++;
      c.forecast.forEach((f, i) => {
        (a.steps[i] as number[]).push(smapeStep(actual[i] as number, f));
        const sd = c.sd?.[i];
        if (sd !== undefined && sd > 0) a.z.push(Math.abs((actual[i] as number) - f) / sd);
      });
      const ms = mase(actual, c.forecast, scale);
      if (ms !== null) a.mase.push(ms);
    }
  }
  const out = new Map<string, BacktestScore>();
  for (const [name, a] of acc) {
    // A candidate that failed at some origin is not comparable; it gets no score.
    const complete = a.origins === starts.length && starts.length > 0;
    const byStep = a.steps.map((s) => mean(s));
    out.set(name, {
      z: a.z,
      smape: complete ? mean(byStep) : Number.NaN,
      mase: complete && a.mase.length ? mean(a.mase) : null,
      byStep,
      origins: a.origins,
    });
  }
  return out;
}

interface Seasons {
  seasons: number[];
  seasonFrom: ForecastResult["seasonFrom"];
}

function constantResult(value: number, h: number, s: Seasons): ForecastResult {
  const f = new Array<number>(h).fill(value);
  return {
    model: "Naive",
    params: { constant: true },
    forecast: f,
    lower80: f,
    upper80: f,
    lower95: f,
    upper95: f,
    backtest: { smape: 0, mase: null, byStep: new Array<number>(h).fill(0), origins: 0 },
    candidates: [{ model: "Naive", smape: 0 }],
    season: s.seasons[0] ?? 1,
    ...s,
  };
}

/**
 * Forecasts a series `horizon` steps ahead. Candidates are fitted on the whole history and scored by
 * a rolling-origin backtest on that history; the best-scoring candidate (a combination counts as one)
 * is returned with 80/95 % prediction intervals. Never throws for bad data: too little history,
 * no numbers or an unknown model name come back as `{ ok: false, reason }`.
 */
export async function forecast(
  values: readonly (number | null | undefined)[],
  opts: ForecastOptions,
): Promise<Result<ForecastResult>> {
  const h = opts.horizon;
  if (!Number.isInteger(h) || h < 1) return fail("horizon must be a whole number of at least 1");
  let cal: Calendar | null = null;
  if (opts.dates) {
    if (opts.dates.length !== values.length)
      return fail(`got ${opts.dates.length} dates for ${values.length} values`);
    cal = calendarOf(opts.dates, values);
  }
  const cleaned = cleanSeries(cal?.values ?? values);
  if (!cleaned.ok) return cleaned;
  const y = cleaned.value.y;
  if (y.length < MIN_POINTS)
    return fail(`need at least ${MIN_POINTS} observations to forecast, got ${y.length}`);
  const given = opts.season !== undefined && Number.isInteger(opts.season) && opts.season >= 1;
  const s: Seasons = given
    ? { seasons: (opts.season as number) > 1 ? [opts.season as number] : [], seasonFrom: "given" }
    : cal
      ? { seasons: seasonsFor(cal.frequency, y.length), seasonFrom: "dates" }
      : { seasons: detectSeasons(y), seasonFrom: "data" };
  const m = s.seasons[0] ?? 1;
  const dated = cal ? { frequency: cal.frequency, dates: datesAfter(cal, h), missing: cal.missing } : {};
  if (y.every((v) => v === y[0])) return ok({ ...constantResult(y[0] as number, h, s), ...dated });

  const pool =
    opts.models ??
    (opts.arima === true && y.length >= ARIMA_POINTS.min && y.length <= ARIMA_POINTS.max
      ? [...DEFAULT_MODELS, WITH_ARIMA]
      : DEFAULT_MODELS);
  const planned = await plan(pool, s.seasons[1]);
  if (!planned.ok) return planned;
  const p = planned.value;
  const names = pool.filter((n) => parseCombo(n) || p.fns.has(n));
  // Combination members are backtested too, so the result shows how each did.
  const scored = [...new Set([...names, ...p.singles.filter((n) => p.fns.has(n))])];
  const ctxs = new Map<string, ModelContext>();
  const fits = fitAll(p, y, m, h, ctxs);
  const scores = backtest(p, scored, y, m, h, opts.origins ?? 3, ctxs);

  let chosen: { name: string; out: ModelOutput } | null = null;
  let best = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const out = candidate(name, fits);
    const s = scores.get(name)?.smape ?? Number.NaN;
    const admission = name === WITH_ARIMA && !opts.models;
    // ARIMA must have fitted now and at every origin, and beat the pool in the backtest.
    if (admission && (!fits.has("arima") || !Number.isFinite(scores.get("arima")?.smape ?? Number.NaN)))
      continue;
    if (out && Number.isFinite(s) && s < best) {
      best = s;
      chosen = { name, out };
    }
  }
  // No backtest possible (short history): take the first candidate that fitted, in preference order.
  if (!chosen) {
    for (const name of [...names, "naive"]) {
      const out = candidate(name, fits) ?? (name === "naive" ? naive(y, m, h, {}) : null);
      if (out) {
        chosen = { name, out };
        break;
      }
    }
  }
  if (!chosen) return fail("no model could be fitted to this series");
  return ok({
    ...assemble(
      y,
      m,
      chosen.out,
      scores.get(chosen.name),
      scored.map((n) => ({
        model: candidate(n, fits)?.name ?? LABELS[n] ?? n,
        smape: scores.get(n)?.smape ?? Number.NaN,
      })),
      h,
    ),
    ...s,
    ...dated,
  });
}

function assemble(
  y: readonly number[],
  m: number,
  out: ModelOutput,
  score: BacktestScore | undefined,
  candidates: { model: string; smape: number }[],
  h: number,
): Omit<ForecastResult, "seasons" | "seasonFrom"> {
  // Business metrics that never went negative should not be forecast negative.
  const floor = y.every((v) => v >= 0) ? 0 : Number.NEGATIVE_INFINITY;
  const clip = (v: number): number => Math.max(floor, v);
  const forecast = out.forecast.map(clip);
  const sd = out.sd?.every((v) => Number.isFinite(v) && v >= 0) ? out.sd : fallbackSd(y, h);
  const band = (z: number, sign: 1 | -1): number[] =>
    out.forecast.map((f, i) => clip(f + sign * z * (sd[i] as number)));
  const z80 = calibrated(qnorm(0.9), 0.8, score?.z ?? []);
  const z95 = Math.max(z80, calibrated(qnorm(0.975), 0.95, score?.z ?? []));
  return {
    model: out.name,
    params: out.params,
    forecast,
    lower80: band(z80, -1),
    upper80: band(z80, 1),
    lower95: band(z95, -1),
    upper95: band(z95, 1),
    backtest:
      score && score.origins > 0
        ? { smape: score.smape, mase: score.mase, byStep: score.byStep, origins: score.origins }
        : { smape: Number.NaN, mase: null, origins: 0 },
    candidates,
    season: m,
  };
}

/**
 * Model variances are too optimistic out of sample (they ignore parameter and model uncertainty), so
 * the normal quantile is widened when the backtest's standardised errors say so — shrunk towards the
 * normal value when there are few of them. Never narrowed.
 */
function calibrated(zNormal: number, level: number, z: readonly number[]): number {
  if (z.length < 4) return zNormal;
  const w = z.length / (z.length + CALIBRATION_PRIOR);
  return Math.max(zNormal, (1 - w) * zNormal + w * quantile(z, level));
}
/** Pseudo-count of the normal prior in the interval calibration. */
const CALIBRATION_PRIOR = 30;

/** Random-walk spread when the chosen model has no variance of its own. */
function fallbackSd(y: readonly number[], h: number): number[] {
  const d = y.slice(1).map((v, i) => v - (y[i] as number));
  const sigma = Math.sqrt(mean(d.map((x) => x * x)) || 0);
  return Array.from({ length: h }, (_, i) => sigma * Math.sqrt(i + 1));
}
