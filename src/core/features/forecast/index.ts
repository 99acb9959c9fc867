/** Forecasting: the public surface of the feature. */

export type { ParsedSeries, SeriesRow } from "./csv.js";
export { parseSeriesCsv } from "./csv.js";
export type { DescribeOptions } from "./describe.js";
export { describeForecast } from "./describe.js";
export { DEFAULT_MODELS, forecast, MIN_POINTS, MODEL_NAMES } from "./engine.js";
export * from "./feature.js";
export { forecastMetricReply, isLevelMetric, toWeekly } from "./metric-reply.js";
export { mase, maseScale, smape } from "./metrics.js";
export { detectSeason } from "./seasonality.js";
export type { ForecastOptions, ForecastResult } from "./types.js";
