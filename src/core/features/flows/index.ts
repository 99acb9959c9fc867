/** Core flows: deal summaries, stage checklists, stuck deals, drafted follow-ups, approval metrics. */

export { approvalMetricsByPromptVersion, type PromptApprovalMetrics } from "./approval-metrics.js";
export { dealSummaryReply, dealSummaryReplyFor } from "./deal-reply.js";
export {
  type DealNote,
  type DealSummary,
  dealContext,
  dealSummarySchema,
  deterministicSummary,
  summarizeDeal,
} from "./deal-summary.js";
export { draftCreateReply, parseDraftRequest } from "./draft-request.js";
export { emailTargetFor } from "./draft-target.js";
export { type DraftLanguage, localizedTemplate, parseLanguage } from "./draft-templates.js";
export { createLlmDraftWriter, type DraftAuthor, type DraftStyle, draftPromptFor } from "./draft-writer.js";
export { expireDueDrafts } from "./expiry.js";
export { type PipelineSummaryOptions, summarizePipeline } from "./pipeline-summaries.js";
export {
  detectStuck,
  findStuckDeals,
  type StuckDeal,
  type StuckThresholds,
  stuckThreshold,
} from "./stuck.js";
