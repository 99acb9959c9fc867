/** Cashflow from pipeline to cash: the public surface of the feature. */
export { aggregate, collectedWithin, collectionInflows, makeBuckets, sumByBucket } from "./aggregate.js";
export { cashBalanceForecastReply } from "./balance-forecast.js";
export { balanceDay, balanceOnReply } from "./balance-reply.js";
export type { Calibration, CalibrationHistory, StageCalibration } from "./calibration.js";
export { calibrate, calibrationProposals, describeCalibration, summarizeCalibration } from "./calibration.js";
export { monthlyFromExpenseSeries, projectCash, RUNWAY_CAP_DAYS, runwayDeltaDays } from "./cash.js";
export { cashHeadline, cashRunwayText, runwayText } from "./cash-text.js";
export { cashFanImage, cashFanInput, type FanView, fanView } from "./chart.js";
export * from "./feature.js";
export type { CollectionsHistory, HistoryForecast, PaymentRow } from "./history.js";
export { collectionsHistory, forecastCollections, trailingMonthlyCollections } from "./history.js";
export type { CashOutlook, CashRunway, DataGap, ExpectedRunway } from "./outlook.js";
export { bandOn, buildOutlook, burnSpread, cashRunwayOf } from "./outlook.js";
export type { DatePrediction, PredictionOutcome } from "./predict.js";
export {
  applyPrediction,
  datePredictionSchema,
  PREDICT_PROMPT_ID,
  predictDates,
  predictionVariables,
} from "./predict.js";
export type { Receivable } from "./queries.js";
export {
  loadCalibrationHistory,
  loadPayments,
  loadReceivables,
  loadSeries,
  loadStageRules,
} from "./queries.js";
export { cashflowHandler, cashflowReply } from "./reply.js";
export type { CashflowOptions, CashflowReport, ScenarioResult } from "./report.js";
export {
  cashBasis,
  cashFromOutlook,
  cashflowReport,
  DEFAULT_HORIZON_DAYS,
  DOUBTFUL_AFTER_DAYS,
  defaultBucket,
  receivableInflows,
} from "./report.js";
export {
  DEFAULT_RULES,
  describeRules,
  makeRules,
  projectDeal,
  sanitize,
  stagesUntilInvoice,
} from "./rules.js";
export type { ScenarioDelta } from "./scenario.js";
export { applyScenario, compareScenario } from "./scenario.js";
export type { Band, Driver, SimInput, SimResult } from "./simulate.js";
export { medianRunwayDays, probabilityNegativeBy, simulateCash } from "./simulate.js";
export type * from "./types.js";
