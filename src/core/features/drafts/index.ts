/** Drafts and approvals: rules, approval policy, lifecycle use cases and views. */

export * from "./access.js";
export { type ApprovalDelay, approvalDelay, approvalDelayLine } from "./approval-delay.js";
export { approvalMetricsByPromptVersion, type PromptApprovalMetrics } from "./approval-metrics.js";
export * from "./approval-policy.js";
export * from "./create.js";
export * from "./decide.js";
export { draftCreateReply, parseDraftRequest } from "./draft-request.js";
export { type DraftLanguage, localizedTemplate, parseLanguage } from "./draft-templates.js";
export {
  createLlmDraftWriter,
  type DraftAuthor,
  type DraftStyle,
  draftPromptFor,
  draftWriterFor,
} from "./draft-writer.js";
export * from "./escalation.js";
export * from "./expiry.js";
export * from "./feature.js";
export * from "./policy.js";
export * from "./recipient.js";
export * from "./reply.js";
export * from "./repository.js";
export * from "./rules.js";
export * from "./settings.js";
export * from "./state.js";
export * from "./templates.js";
export * from "./views.js";
