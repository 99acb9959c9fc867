/** Collections: overdue invoices ranked by cash impact and chased as a batch of reminder drafts. */
export { chaseOverdue, MAX_BATCH } from "./chase.js";
export * from "./feature.js";
export { IMPACT_WINDOW_DAYS, pPaidWithin, type Ranked, rankByCashImpact } from "./rank.js";
