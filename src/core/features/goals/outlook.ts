import { forecast } from "../forecast/index.js";
import { pointsForDays, quantile, windowValue } from "./measure.js";
import type { GoalQuery, GrowthOutlook } from "./types.js";

const FORECAST_MODELS = ["ets", "theta", "damped", "snaive"];

/**
 * What history says about growth over a horizon: for every past window end (weekly steps), the
 * change of the window aggregate over `horizonDays`. Pure.
 */
export function historicalGrowth(
  values: readonly number[],
  q: GoalQuery,
  horizonDays: number,
): GrowthOutlook["history"] {
  const hp = pointsForDays(horizonDays, q.frequency);
  const step = q.frequency === "day" ? 7 : 1;
  const growth: number[] = [];
  for (let end = values.length - 1; end - hp - q.windowPoints + 1 >= 0; end -= step) {
    const now = windowValue(values, end, q);
    const then = windowValue(values, end - hp, q);
    if (now !== null && then !== null && then > 0) growth.push(now / then - 1);
  }
  if (growth.length < 3) return null;
  growth.sort((a, b) => a - b);
  return {
    samples: growth.length,
    p10: quantile(growth, 0.1),
    median: quantile(growth, 0.5),
    p90: quantile(growth, 0.9),
    best: growth[growth.length - 1] as number,
    worst: growth[0] as number,
  };
}

export interface ForecastPath {
  model: string;
  smape: number;
  point: number[];
  lower80: number[];
  upper80: number[];
}

/** Forecasts the series `horizonPoints` ahead (weekly season for daily data); null when it can't. */
export async function forecastPath(
  values: readonly number[],
  q: GoalQuery,
  horizonPoints: number,
): Promise<ForecastPath | null> {
  const r = await forecast(values, {
    horizon: horizonPoints,
    season: q.frequency === "day" ? 7 : undefined,
    models: FORECAST_MODELS,
  });
  if (!r.ok) return null;
  return {
    model: r.value.model,
    smape: r.value.backtest.smape,
    point: r.value.forecast,
    lower80: r.value.lower80,
    upper80: r.value.upper80,
  };
}

/**
 * The forecast's growth of the window aggregate from the baseline to `horizonDays` ahead. The 80 %
 * range of a window sums the daily spreads as independent (summing the daily bounds would claim
 * every day is at its extreme at once).
 */
export function forecastGrowth(
  values: readonly number[],
  baseline: number,
  q: GoalQuery,
  path: ForecastPath | null,
  horizonDays: number,
): GrowthOutlook["forecast"] {
  const hp = pointsForDays(horizonDays, q.frequency);
  if (!path || hp > path.point.length || baseline <= 0) return null;
  const end = windowValue([...values, ...path.point.slice(0, hp)], values.length + hp - 1, q);
  if (end === null) return null;
  const from = Math.max(0, hp - q.windowPoints);
  let variance = 0;
  for (let i = from; i < hp; i++) {
    const sd = ((path.upper80[i] as number) - (path.lower80[i] as number)) / (2 * Z80);
    variance += sd * sd;
  }
  const spread = (Z80 * Math.sqrt(variance)) / (q.aggregation === "sum" ? 1 : q.windowPoints);
  return {
    model: path.model,
    growth: end / baseline - 1,
    lower80: Math.max(0, end - spread) / baseline - 1,
    upper80: (end + spread) / baseline - 1,
    endValue: end,
    smape: path.smape,
  };
}

const Z80 = 1.2815515655446004;
