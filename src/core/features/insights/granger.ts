import { fSurvival } from "./f-distribution.js";
import { ols } from "./ols.js";

export interface GrangerLagResult {
  lag: number;
  /** Rows used: n − lag (each lag uses its own sample, as statsmodels does). */
  nobs: number;
  /** ssr-based F statistic. */
  F: number;
  pValue: number;
  dfNum: number;
  dfDenom: number;
  ssrRestricted: number;
  ssrUnrestricted: number;
}

function lagRows(effect: number[], cause: number[] | null, lag: number, start: number): number[][] {
  const rows: number[][] = [];
  for (let t = start; t < effect.length; t++) {
    const row: number[] = [];
    for (let l = 1; l <= lag; l++) row.push(effect[t - l] ?? 0);
    if (cause) for (let l = 1; l <= lag; l++) row.push(cause[t - l] ?? 0);
    row.push(1);
    rows.push(row);
  }
  return rows;
}

/**
 * Does `cause` help predict `effect`? The ssr F-test of statsmodels' `grangercausalitytests` for
 * one lag: effect_t on a constant and its own lags 1..lag (restricted) versus also the cause's
 * lags 1..lag (unrestricted), over rows lag..n−1.
 */
export function grangerTest(
  cause: readonly number[],
  effect: readonly number[],
  lag: number,
  start = lag,
): GrangerLagResult {
  if (cause.length !== effect.length) throw new Error("granger: series must have the same length");
  const y = effect.slice(start);
  const restricted = ols(lagRows([...effect], null, lag, start), y);
  const unrestricted = ols(lagRows([...effect], [...cause], lag, start), y);
  const dfDenom = unrestricted.nobs - unrestricted.k;
  const F = (restricted.ssr - unrestricted.ssr) / lag / (unrestricted.ssr / dfDenom);
  return {
    lag,
    nobs: y.length,
    F,
    pValue: fSurvival(F, lag, dfDenom),
    dfNum: lag,
    dfDenom,
    ssrRestricted: restricted.ssr,
    ssrUnrestricted: unrestricted.ssr,
  };
}

/** All lags 1..maxLag, like `grangercausalitytests(np.column_stack([effect, cause]), maxlag)`. */
export function grangerCausality(
  cause: readonly number[],
  effect: readonly number[],
  maxLag: number,
): GrangerLagResult[] {
  return Array.from({ length: maxLag }, (_, i) => grangerTest(cause, effect, i + 1));
}

/**
 * Picks the lag for a Granger test. "aic" compares the unrestricted models on one common sample
 * (rows maxLag..n−1) so their likelihoods are comparable, then reports the test at that lag on
 * its own sample; "min-p" takes the smallest p-value (more optimistic: a multiple-testing risk).
 */
export function grangerBestLag(
  cause: readonly number[],
  effect: readonly number[],
  maxLag: number,
  criterion: "aic" | "bic" | "min-p" = "aic",
): GrangerLagResult {
  const all = grangerCausality(cause, effect, maxLag);
  if (criterion === "min-p") return all.reduce((best, r) => (r.pValue < best.pValue ? r : best));
  let bestLag = 1;
  let bestAic = Number.POSITIVE_INFINITY;
  for (let lag = 1; lag <= maxLag; lag++) {
    const common = grangerTest(cause, effect, lag, maxLag);
    const n = common.nobs;
    const penalty = criterion === "bic" ? Math.log(n) : 2;
    const aic = n * Math.log(common.ssrUnrestricted / n) + penalty * (2 * lag + 1);
    if (aic < bestAic) {
      bestAic = aic;
      bestLag = lag;
    }
  }
  return all[bestLag - 1] as GrangerLagResult;
}
