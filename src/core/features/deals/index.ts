export * from "./checklist.js";
export { dealSummaryReply, dealSummaryReplyFor } from "./deal-reply.js";
export {
  type DealNote,
  type DealSummary,
  dealContext,
  dealSummarySchema,
  deterministicSummary,
  summarizeDeal,
} from "./deal-summary.js";
export * from "./feature.js";
export { type PipelineSummaryOptions, summarizePipeline } from "./pipeline-summaries.js";
export * from "./queries.js";
export {
  detectStuck,
  findStuckDeals,
  type StuckDeal,
  type StuckThresholds,
  stuckThreshold,
} from "./stuck.js";
export * from "./use-cases.js";
