/** LLM spend per tenant and month, read from the cost ledger. */
export { usageFeature } from "./feature.js";
export { budgetMicros, formatMicrosUsd, usageReply } from "./reply.js";
