import { autoEtsRefined, type EtsFit, type EtsSpec, etsName, etsStdDev, fitEts, forecastEts } from "./ets.js";
import { deseasonalize, reseasonalize } from "./seasonality.js";
import { linearFit } from "./stats.js";

/** What every candidate model returns: point forecasts, per-step standard deviations and its parameters. */
export interface ModelOutput {
  /** Concrete model name, e.g. `ETS(M,Ad,M)` for the `ets` candidate. */
  name: string;
  forecast: number[];
  /** Forecast standard deviation per step, when the model provides one. */
  sd: number[] | null;
  params: Record<string, unknown>;
}

/** Carried from the fit on the full history into the backtest refits (keeps backtests cheap). */
export interface ModelContext {
  etsSpec?: EtsSpec;
}

export type ModelFn = (y: readonly number[], m: number, h: number, ctx: ModelContext) => ModelOutput | null;

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

function etsOutput(fit: EtsFit, h: number, name = etsName(fit.spec)): ModelOutput {
  const forecast = forecastEts(fit, h);
  return {
    name,
    forecast,
    sd: etsStdDev(fit, forecast),
    params: {
      alpha: round(fit.alpha),
      ...(fit.spec.trend !== "N" ? { beta: round(fit.beta) } : {}),
      ...(fit.spec.season !== "N" ? { gamma: round(fit.gamma) } : {}),
      ...(fit.spec.trend === "Ad" ? { phi: round(fit.phi) } : {}),
    },
  };
}

const MAX_ETS_SEASON = 24;

/** Automatic ETS selected by AICc (in backtests: the form chosen on the full history, refitted). */
export const ets: ModelFn = (y, m, h, ctx) => {
  // Seasonal ETS states beyond two dozen (weekly data's 52) are neither estimable nor fast: as R's
  // `ets` refuses them, the long pattern is taken out by decomposition and ETS models the rest.
  if (m > MAX_ETS_SEASON) return onAdjusted(y, m, (adj) => ets(adj, 1, h, ctx));
  // Two-stage selection (see autoEtsRefined): nearly the accuracy of optimising every form fully,
  // at a fraction of the time.
  const fit = ctx.etsSpec ? fitEts(y, ctx.etsSpec, m) : autoEtsRefined(y, m);
  if (!fit) return null;
  ctx.etsSpec ??= fit.spec;
  return etsOutput(fit, h);
};

/** A model fitted to the seasonally adjusted series (classical decomposition, see `deseasonalize`), reseasonalised. */
function onAdjusted(
  y: readonly number[],
  m: number,
  fitAdj: (adj: number[]) => ModelOutput | null,
): ModelOutput | null {
  const { adjusted, adjustment } = m > 1 ? deseasonalize(y, m) : { adjusted: [...y], adjustment: null };
  const out = fitAdj(adjusted);
  if (!out) return null;
  const forecast = reseasonalize(out.forecast, adjustment, y.length);
  const sd = out.sd ? reseasonalize(out.sd, adjustment, y.length, true) : null;
  return { ...out, forecast, sd, params: { ...out.params, seasonal: adjustment?.type ?? false } };
}

/**
 * The Theta method with theta-line weight θ (θ = 2 is the standard method of Assimakopoulos &
 * Nikolopoulos 2000, as in Hyndman & Billah 2003 and R's `thetaf`): SES on the seasonally adjusted
 * data plus (1 − 1/θ) of the slope of the linear trend.
 */
export function thetaWith(weight: number, name = weight === 2 ? "Theta" : `Theta(${weight})`): ModelFn {
  return (y, m, h) =>
    onAdjusted(y, m, (adj) => {
      const fit = fitEts(adj, { error: "A", trend: "N", season: "N" }, 1);
      if (!fit) return null;
      const base = etsOutput(fit, h, name);
      const drift = linearFit(adj).slope * (1 - 1 / weight);
      const a = fit.alpha;
      const n = adj.length;
      const forecast = base.forecast.map((v, i) => v + drift * (i + (1 - (1 - a) ** n) / a));
      return { ...base, forecast, params: { alpha: base.params.alpha, drift: round(drift) } };
    });
}

export const theta: ModelFn = thetaWith(2);

/** Damped-trend exponential smoothing on the seasonally adjusted data (M3's DAMPEN). */
export const damped: ModelFn = (y, m, h) =>
  onAdjusted(y, m, (adj) => {
    const fit = fitEts(adj, { error: "A", trend: "Ad", season: "N" }, 1);
    return fit ? etsOutput(fit, h, "Damped") : null;
  });

/** Holt's linear trend on the seasonally adjusted data. */
export const holt: ModelFn = (y, m, h) =>
  onAdjusted(y, m, (adj) => {
    const fit = fitEts(adj, { error: "A", trend: "A", season: "N" }, 1);
    return fit ? etsOutput(fit, h, "Holt") : null;
  });

/** Simple exponential smoothing on the seasonally adjusted data (M3's SINGLE). */
export const ses: ModelFn = (y, m, h) =>
  onAdjusted(y, m, (adj) => {
    const fit = fitEts(adj, { error: "A", trend: "N", season: "N" }, 1);
    return fit ? etsOutput(fit, h, "SES") : null;
  });

function lagSigma(y: readonly number[], lag: number): number {
  let s = 0;
  let k = 0;
  for (let t = lag; t < y.length; t++) {
    s += ((y[t] as number) - (y[t - lag] as number)) ** 2;
    k++;
  }
  return k ? Math.sqrt(s / k) : 0;
}

/** Last value carried forward. */
export const naive: ModelFn = (y, _m, h) => {
  const last = y[y.length - 1];
  if (last === undefined) return null;
  const sigma = lagSigma(y, 1);
  return {
    name: "Naive",
    forecast: new Array<number>(h).fill(last),
    sd: Array.from({ length: h }, (_, i) => sigma * Math.sqrt(i + 1)),
    params: {},
  };
};

/** Last season repeated. */
export const seasonalNaive: ModelFn = (y, m, h) => {
  if (m <= 1 || y.length < m) return null;
  const n = y.length;
  const sigma = lagSigma(y, m);
  return {
    name: "Seasonal naive",
    forecast: Array.from({ length: h }, (_, i) => y[n - m + (i % m)] as number),
    sd: Array.from({ length: h }, (_, i) => sigma * Math.sqrt(Math.floor(i / m) + 1)),
    params: { period: m },
  };
};
