import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../../core/deps.js";
import { outbox } from "../../../core/infra/db/schema/index.js";
import type { StatusUpdate } from "./payload.js";

/** Status order: a late "delivered" never overwrites "read"; "failed" always wins. */
const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Applies Cloud API status webhooks (sent/delivered/read/failed) to the outbox row whose
 * `channel_message_id` is the wamid. Returns how many rows changed.
 */
export async function applyStatuses(deps: Deps, tenantId: string, updates: StatusUpdate[]): Promise<number> {
  let changed = 0;
  for (const u of updates) {
    const rank = RANK[u.status];
    if (!rank) continue;
    const current = sql`case ${outbox.deliveryStatus} when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 4 else 0 end`;
    const rows = await deps.db.tenantTx(tenantId, (tx) =>
      tx
        .update(outbox)
        .set({
          deliveryStatus: u.status,
          ...(u.status === "failed"
            ? {
                lastError:
                  `WhatsApp delivery failed${u.errorCode ? ` (#${u.errorCode})` : ""}${u.errorTitle ? `: ${u.errorTitle}` : ""}`.slice(
                    0,
                    500,
                  ),
              }
            : {}),
        })
        .where(and(eq(outbox.channelMessageId, u.messageId), sql`${current} < ${rank}`))
        .returning({ id: outbox.id }),
    );
    changed += rows.length;
  }
  if (changed)
    deps.logger
      .child({ channel: "whatsapp", tenantId })
      .info({ changed }, "whatsapp delivery statuses applied");
  return changed;
}
