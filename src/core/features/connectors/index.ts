/**
 * Shared connector plumbing (Pipedrive, Stripe…): credentials sealed at rest like Slack tokens,
 * one account row per tenant and provider with sync cursors and the last report, remote → local
 * object links, and the failure rule (the owner is told once per failing streak; chat never waits
 * on a connector).
 */
export {
  type ConnectorAccount,
  connectorSealer,
  disconnect,
  getAccount,
  listAccounts,
  openSecrets,
  randomCredential,
  type Secrets,
  saveAccount,
  saveCursors,
  tenantForWebhook,
  tenantsWithConnector,
} from "./accounts.js";
export { connectorsFeature } from "./feature.js";
export {
  recordSyncFailure,
  recordSyncStart,
  recordSyncSuccess,
  type SyncFailure,
  TRANSIENT_ALERT_AFTER,
} from "./health.js";
export {
  allLinks,
  type ConnectorObject,
  type LinkInput,
  linksByData,
  loadLinks,
  upsertLinks,
} from "./links.js";
export { syncStatusReply } from "./status.js";
