import { and, eq, inArray, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { digestSubscriptions, identities, memberships } from "../../infra/db/schema/index.js";
import { getTenant } from "../tenancy/index.js";

export interface AlertTarget {
  channel: string;
  address: string;
  threadId?: string;
}

/** `tenants.settings.alertTarget`, when an operator set one. */
async function configuredTarget(deps: Deps, tenantId: string): Promise<AlertTarget | null> {
  const settings = (await getTenant(deps.db, tenantId))?.settings;
  const t = settings?.alertTarget as { channel?: unknown; address?: unknown } | undefined;
  return typeof t?.channel === "string" && typeof t?.address === "string"
    ? { channel: t.channel, address: t.address }
    : null;
}

/** The tenant owners' chat accounts on channels this process can deliver to (Slack DM, WhatsApp). */
async function ownerIdentity(tx: Tx, deps: Deps): Promise<AlertTarget | null> {
  const rows = await tx
    .select({ channel: identities.channel, externalId: identities.externalId })
    .from(identities)
    .innerJoin(memberships, eq(memberships.userId, identities.userId))
    .where(and(eq(memberships.role, "owner"), inArray(identities.channel, ["slack", "whatsapp", "console"])));
  const usable = rows.find((r) => deps.channels.has(r.channel));
  return usable ? { channel: usable.channel, address: usable.externalId } : null;
}

/**
 * Where alerts for the tenant owner go: `tenants.settings.alertTarget`, else an owner's account on a
 * channel with a registered adapter, else the console when it is registered. Null: nowhere (logged).
 */
export async function ownerAlertTarget(deps: Deps, tenantId: string, tx?: Tx): Promise<AlertTarget | null> {
  const configured = await configuredTarget(deps, tenantId);
  if (configured) return configured;
  const found = tx
    ? await ownerIdentity(tx, deps)
    : await deps.db.tenantTx(tenantId, (t) => ownerIdentity(t, deps));
  if (found) return found;
  return deps.channels.has("console") ? { channel: "console", address: "owner" } : null;
}

/**
 * Where team alerts and drafts awaiting approval go (the approvers read it): the configured alert
 * target, else the first chat that subscribed to digests, else the owner.
 */
export async function teamAlertTarget(deps: Deps, tenantId: string): Promise<AlertTarget | null> {
  const configured = await configuredTarget(deps, tenantId);
  if (configured) return configured;
  const sub = await deps.db.tenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(digestSubscriptions)
      .where(sql`${digestSubscriptions.cadence} <> 'off'`)
      .orderBy(digestSubscriptions.createdAt)
      .limit(1);
    return row;
  });
  if (sub)
    return {
      channel: sub.channel,
      address: sub.address,
      ...(sub.threadId ? { threadId: sub.threadId } : {}),
    };
  return ownerAlertTarget(deps, tenantId);
}
