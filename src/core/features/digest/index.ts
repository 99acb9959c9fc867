/** Digests: composition, rendering (with a chart, no browser), schedules and subscriptions. */

export { anomalyAlert, quietNotBefore } from "./alerts.js";
export { digestFor } from "./audience.js";
export { type BuiltDigest, buildDigest, chartsDir } from "./build.js";
export { type ChartGeometry, type ChartInput, chartGeometry, chartSvg } from "./chart.js";
export {
  type CashPart,
  composeDigest,
  DIGEST_FORECAST_MODELS,
  type DigestData,
  type Part,
  type RevenuePart,
} from "./compose.js";
export {
  anomaliesSince,
  type FoundAnomaly,
  llmSpend,
  loadDailySeries,
  pendingApprovals,
  type SeriesData,
} from "./data.js";
export * from "./feature.js";
export { correctiveAction, type GoalPaceItem, goalsSection } from "./goals.js";
export { digestSettingsHandler } from "./handler.js";
export { type PipelineChanges, pipelineChanges } from "./pipeline.js";
export { renderChartPng } from "./png.js";
export { encodePng, rasterizeChart } from "./raster.js";
export { digestChartInput, digestImage, digestReply } from "./render.js";
export * from "./schedule.js";
export * from "./subscriptions.js";
