import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts, updatedAt } from "./_columns.js";

/**
 * One external system (Pipedrive, Stripe…) connected to a tenant: sealed credentials, sync cursors,
 * the last sync report and the failure state (failing since, alerted once). Owned by the connectors
 * feature. `webhookKey` is the public half of the webhook credentials; inbound webhooks find their
 * tenant through keel_connector_tenant (drizzle/sql/070-connectors.sql) before RLS applies.
 */
export const connectorAccounts = pgTable(
  "connector_accounts",
  {
    id: id(),
    tenantId: tenantId(),
    provider: text("provider").notNull(),
    /** Sealed JSON object of every secret (API token, webhook password…): never stored in clear. */
    secrets: text("secrets").notNull(),
    /** Non-secret settings (base URL, account name, user mapping…). */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    webhookKey: text("webhook_key"),
    /** Incremental sync positions per entity (timestamps, cursors). */
    cursors: jsonb("cursors").$type<Record<string, string>>().notNull().default({}),
    lastSyncStartedAt: ts("last_sync_started_at"),
    lastSyncAt: ts("last_sync_at"),
    lastSuccessAt: ts("last_success_at"),
    lastReport: jsonb("last_report").$type<Record<string, unknown>>(),
    /** First failure of the current failing streak; null while healthy. */
    failingSince: ts("failing_since"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** A data-free error code and a scrubbed message of the last failure. */
    lastErrorCode: text("last_error_code"),
    lastError: text("last_error"),
    /** When the owner was told about the current failing streak (once per streak). */
    alertedAt: ts("alerted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("connector_accounts_tenant_provider").on(t.tenantId, t.provider),
    uniqueIndex("connector_accounts_webhook_key").on(t.webhookKey),
  ],
);

/**
 * What each remote object became in Keel: (provider, entity, external id) → local row, with a digest
 * of the synced fields (unchanged objects are skipped), deletion and merge marks, and a small data
 * blob for remote entities Keel has no table for (organizations, activities).
 */
export const connectorObjects = pgTable(
  "connector_objects",
  {
    id: id(),
    tenantId: tenantId(),
    provider: text("provider").notNull(),
    entity: text("entity").notNull(),
    externalId: text("external_id").notNull(),
    localId: uuid("local_id"),
    digest: text("digest"),
    deleted: boolean("deleted").notNull().default(false),
    mergedInto: text("merged_into"),
    data: jsonb("data").$type<Record<string, unknown>>(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("connector_objects_key").on(t.tenantId, t.provider, t.entity, t.externalId),
    index("connector_objects_local").on(t.tenantId, t.localId),
  ],
);
