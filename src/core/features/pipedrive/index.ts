/**
 * The Pipedrive connector: a small typed client, initial and incremental sync into Keel's tables
 * through the import rules, webhooks, and `keel connect|sync pipedrive`. Shared plumbing (sealed
 * credentials, cursors, failure alerts, `sync status`) lives in the connectors feature.
 */

export { type PipedriveEnv, pipedriveEnvSchema } from "../../infra/pipedrive/config.js";
export { ENTITIES, type EntityCounts, extId, PROVIDER } from "./apply.js";
export { type ClientStats, createPipedriveClient, type PipedriveClient, PipedriveError } from "./client.js";
export { type Connected, connectPipedrive, WEBHOOK_PATH } from "./connect.js";
export { clientFor, formatSyncReport, type SyncReport, syncPipedrive } from "./sync.js";
export { handlePipedriveWebhook, type WebhookOutcome } from "./webhook.js";
