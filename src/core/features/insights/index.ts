/** Insights: Granger causality, anomaly detection and root-cause analysis on metric series. */

export { type Anomaly, type AnomalyOptions, detectAnomalies } from "./anomaly.js";
export { fCdf, fSurvival, logGamma, regularizedBeta } from "./f-distribution.js";
export * from "./feature.js";
export { type GrangerLagResult, grangerBestLag, grangerCausality, grangerTest } from "./granger.js";
export { type OlsFit, ols } from "./ols.js";
export {
  analyzeRootCause,
  type Contribution,
  type DriverFinding,
  formatP,
  type MetricInput,
  type RootCauseInput,
  type RootCauseResult,
  type Window,
} from "./root-cause.js";
export { correlation, mad, median, rollingMedian } from "./stats.js";
export { periodDays, whyReply } from "./why-reply.js";
