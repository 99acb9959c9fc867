import { and, eq, lt, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps.js";
import { idempotencyKeys } from "../../core/infra/db/schema/index.js";

const SCOPE = "slack.event";
/** A claim whose worker died (process restart) may be taken over by a later retry after this long. */
const STALE_MS = 2 * 60_000;

/**
 * Durable at-most-once processing of a Slack event: the event id is inserted into idempotency_keys
 * in the same transaction that decides the work will happen. Concurrent deliveries of one event
 * (Slack's retries, overlapping with the first) race on the primary key; exactly one wins. The fast
 * store check in the receiver only saves work, it is not what guarantees once.
 */
export async function claimEvent(deps: Deps, tenantId: string, eventId: string): Promise<boolean> {
  const key = `slack:event:${eventId}`;
  return deps.db.tenantTx(tenantId, async (tx) => {
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ tenantId, key, scope: SCOPE, result: { status: "processing" } })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) return true;
    // Take over a claim left "processing" by a worker that died (never a finished one).
    const taken = await tx
      .update(idempotencyKeys)
      .set({ createdAt: new Date(), result: { status: "processing", takeover: true } })
      .where(
        and(
          eq(idempotencyKeys.key, key),
          sql`${idempotencyKeys.result}->>'status' = 'processing'`,
          lt(idempotencyKeys.createdAt, new Date(Date.now() - STALE_MS)),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    return taken.length > 0;
  });
}

/** Records the outcome of a claimed event (e.g. the ts of the reply) so a retry never redoes it. */
export async function finishEvent(
  deps: Deps,
  tenantId: string,
  eventId: string,
  result: Record<string, unknown>,
): Promise<void> {
  await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .update(idempotencyKeys)
      .set({ result: { status: "done", ...result } })
      .where(eq(idempotencyKeys.key, `slack:event:${eventId}`)),
  );
}
