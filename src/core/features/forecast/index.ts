/** Forecasting: the public surface of the feature. */

export { type Calendar, calendarOf, datesAfter, type Frequency, seasonsFor } from "./calendar.js";
export { CHART_HISTORY, chartImage, forecastChartInput } from "./chart.js";
export type { ParsedSeries, SeriesRow } from "./csv.js";
export { parseSeriesCsv } from "./csv.js";
export type { DescribeOptions } from "./describe.js";
export { describeForecast } from "./describe.js";
export { DEFAULT_MODELS, forecast, MIN_POINTS, MODEL_NAMES, WITH_ARIMA } from "./engine.js";
export * from "./feature.js";
export { forecastMetricReply, isLevelMetric, toWeekly } from "./metric-reply.js";
export { mase, maseScale, smape } from "./metrics.js";
export { detectSeason, detectSeasons } from "./seasonality.js";
export type { ForecastOptions, ForecastResult } from "./types.js";
