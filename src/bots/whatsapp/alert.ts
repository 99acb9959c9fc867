import { and, eq, ne } from "drizzle-orm";
import type { Deps } from "../../core/deps.js";
import { deliverDue, enqueue } from "../../core/features/outbox/index.js";
import { identities, memberships } from "../../core/infra/db/schema/index.js";

/**
 * Tells the tenant's owners that WhatsApp stopped (logged out, unpaired, banned, restart cap): a log
 * line always, and a message through the outbox to another channel the owner has (Slack…), or the
 * console when nothing else is registered. Once per reason per day (dedupe key), so it cannot loop.
 */
export async function alertOwners(
  deps: Deps,
  tenantId: string,
  reason: string,
  text: string,
): Promise<number> {
  const log = deps.logger.child({ channel: "whatsapp", tenantId });
  log.error({ reason }, "whatsapp stopped: owner action needed");
  const day = deps.clock.now().toISOString().slice(0, 10);
  const enqueued = await deps.db.tenantTx(tenantId, async (tx) => {
    const rows = await tx
      .select({ userId: identities.userId, channel: identities.channel, externalId: identities.externalId })
      .from(identities)
      .innerJoin(memberships, eq(memberships.userId, identities.userId))
      .where(and(eq(memberships.role, "owner"), ne(identities.channel, "whatsapp")));
    const targets = rows
      .filter((r) => deps.channels.has(r.channel))
      .map((r) => ({ channel: r.channel, address: r.externalId }));
    if (targets.length === 0 && deps.channels.has("console"))
      targets.push({ channel: "console", address: "owner" });
    let n = 0;
    for (const target of targets) {
      const ok = await enqueue(
        tx,
        {
          tenantId,
          dedupeKey: `whatsapp:alert:${reason}:${day}:${target.channel}:${target.address}`,
          target,
          payload: { text, meta: { alert: `whatsapp.${reason}` } },
        },
        deps.clock.now(),
      );
      if (ok) n++;
    }
    return n;
  });
  if (enqueued) await deliverDue(deps, deps.channels, tenantId);
  else log.warn({ reason }, "no other channel to alert the owner on (or already alerted today)");
  return enqueued;
}
