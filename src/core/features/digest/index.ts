/** Digests: composition, rendering (with a chart, no browser), schedules and subscriptions. */

export {
  type ChartGeometry,
  type ChartInput,
  chartGeometry,
  chartSvg,
  encodePng,
  rasterizeChart,
  renderChartPng,
} from "../../kernel/chart/index.js";
export { anomalyAlert, quietNotBefore } from "./alerts.js";
export { digestFor } from "./audience.js";
export { type BuiltDigest, buildDigest, chartsDir } from "./build.js";
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
export { digestChartInput, digestCharts, digestImage, digestReply } from "./render.js";
export * from "./schedule.js";
export * from "./subscriptions.js";
