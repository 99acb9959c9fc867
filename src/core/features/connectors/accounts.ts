import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Database } from "../../infra/db/client.js";
import { connectorAccounts } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { createSealer, type Sealer } from "../../kernel/seal.js";

export type ConnectorAccount = Omit<typeof connectorAccounts.$inferSelect, "secrets">;
export type Secrets = Record<string, string>;

/**
 * The sealer for connector credentials: the same AES-256-GCM sealing as Slack tokens under its own
 * purpose label, and never the "raw:" fallback — without KEEL_SECRET nothing is stored.
 */
export function connectorSealer(deps: Pick<Deps, "config">): Sealer {
  if (!deps.config.app.secret)
    throw new AppError(
      "config_invalid",
      "Connector credentials are stored sealed with KEEL_SECRET: set KEEL_SECRET (16+ characters) first.",
    );
  return createSealer(deps.config.app.secret, { purpose: "connector-credentials", allowRaw: false });
}

/** A fresh random value for generated credentials (webhook user/password). */
export const randomCredential = (bytes = 18) => randomBytes(bytes).toString("base64url");

/**
 * Connects (or reconnects) a provider for a tenant: secrets sealed, settings replaced, failure state
 * and alert cleared. Cursors are kept unless `resetCursors` (a different remote account).
 */
export async function saveAccount(
  deps: Deps,
  tenantId: string,
  provider: string,
  input: {
    secrets: Secrets;
    settings?: Record<string, unknown>;
    webhookKey?: string;
    resetCursors?: boolean;
  },
): Promise<ConnectorAccount> {
  const sealed = connectorSealer(deps).seal(JSON.stringify(input.secrets));
  const now = deps.clock.now();
  const healthy = {
    failingSince: null,
    consecutiveFailures: 0,
    lastErrorCode: null,
    lastError: null,
    alertedAt: null,
  };
  const row = await deps.db.tenantTx(tenantId, async (tx) => {
    const [r] = await tx
      .insert(connectorAccounts)
      .values({
        tenantId,
        provider,
        secrets: sealed,
        settings: input.settings ?? {},
        webhookKey: input.webhookKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [connectorAccounts.tenantId, connectorAccounts.provider],
        set: {
          secrets: sealed,
          ...(input.settings ? { settings: input.settings } : {}),
          ...(input.webhookKey ? { webhookKey: input.webhookKey } : {}),
          ...(input.resetCursors ? { cursors: {} } : {}),
          ...healthy,
          updatedAt: now,
        },
      })
      .returning();
    return r!;
  });
  deps.logger.info({ tenantId, provider }, "connector credentials saved (sealed)");
  const { secrets: _sealed, ...account } = row;
  return account;
}

export async function getAccount(
  deps: Pick<Deps, "db">,
  tenantId: string,
  provider: string,
): Promise<ConnectorAccount | undefined> {
  const [row] = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select()
      .from(connectorAccounts)
      .where(and(eq(connectorAccounts.tenantId, tenantId), eq(connectorAccounts.provider, provider)))
      .limit(1),
  );
  if (!row) return undefined;
  const { secrets: _sealed, ...account } = row;
  return account;
}

/** Every connector of a tenant (sync status). */
export async function listAccounts(deps: Pick<Deps, "db">, tenantId: string): Promise<ConnectorAccount[]> {
  const rows = await deps.db.tenantTx(tenantId, (tx) =>
    tx.select().from(connectorAccounts).orderBy(connectorAccounts.provider),
  );
  return rows.map(({ secrets: _sealed, ...a }) => a);
}

/** The account's secrets, opened; throws not_found when the provider is not connected. */
export async function openSecrets(deps: Deps, tenantId: string, provider: string): Promise<Secrets> {
  const [row] = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select({ secrets: connectorAccounts.secrets })
      .from(connectorAccounts)
      .where(eq(connectorAccounts.provider, provider))
      .limit(1),
  );
  if (!row)
    throw new AppError(
      "not_found",
      `${provider} is not connected for this company (keel connect ${provider}).`,
    );
  return JSON.parse(connectorSealer(deps).open(row.secrets)) as Secrets;
}

export async function saveCursors(
  deps: Pick<Deps, "db" | "clock">,
  tenantId: string,
  provider: string,
  cursors: Record<string, string>,
): Promise<void> {
  await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .update(connectorAccounts)
      .set({
        cursors: sql`${connectorAccounts.cursors} || ${JSON.stringify(cursors)}::jsonb`,
        updatedAt: deps.clock.now(),
      })
      .where(eq(connectorAccounts.provider, provider)),
  );
}

export async function disconnect(
  deps: Pick<Deps, "db">,
  tenantId: string,
  provider: string,
): Promise<boolean> {
  const gone = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .delete(connectorAccounts)
      .where(eq(connectorAccounts.provider, provider))
      .returning({ id: connectorAccounts.id }),
  );
  return gone.length > 0;
}

/** The tenant an inbound webhook belongs to, by the public webhook key (before RLS applies). */
export async function tenantForWebhook(
  db: Database,
  provider: string,
  webhookKey: string,
): Promise<string | null> {
  const rows = await db.rows<{ id: string | null }>(
    sql`select keel_connector_tenant(${provider}, ${webhookKey}) as id`,
  );
  return rows[0]?.id ?? null;
}

/** Tenants with this provider connected (the scheduled sync walks them). */
export async function tenantsWithConnector(db: Database, provider: string): Promise<string[]> {
  const rows = await db.rows<{ id: string }>(sql`select keel_connector_tenants(${provider}) as id`);
  return rows.map((r) => r.id);
}
