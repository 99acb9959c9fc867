/**
 * Stripe connector (money in): customers → contacts, invoices → invoices, invoice payments →
 * payments, refunds → payment reversals, through the import's upsert and checks (stable key = the
 * Stripe id). Incremental sync from Stripe's event list, signed webhooks, a scheduled sync.
 */

export { type ConnectResult, connectStripe } from "./connect.js";
export { stripeDecimals, toKeelMinor } from "./money.js";
export { PROVIDER as STRIPE, type StripeSyncReport, syncStripe } from "./sync.js";
export { handleStripeWebhook, WEBHOOK_MAX_BYTES, type WebhookInput, type WebhookOutcome } from "./webhook.js";
