import { and, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { drafts, outbox } from "../db/schema/index.js";
import type { Deps } from "../deps.js";
import { asAppError } from "../errors.js";
import type { ChannelKind, ChatAdapter } from "../ports/chat-adapter.js";
import type { Reply } from "../ports/reply.js";
import { recordEvent } from "../drafts/repository.js";

export type OutboxRow = typeof outbox.$inferSelect;
export type ChannelRegistry = Map<ChannelKind | string, ChatAdapter>;

export const OUTBOX_MAX_ATTEMPTS = 6;
const LOCK_MS = 60_000;

/** Enqueues a message in the caller's transaction. The same dedupe key enqueues once. */
export async function enqueue(
  tx: Tx,
  row: { tenantId: string; dedupeKey: string; draftId?: string; target: OutboxRow["target"]; payload: Reply },
  now: Date,
): Promise<boolean> {
  const res = await tx
    .insert(outbox)
    .values({ ...row, payload: row.payload as unknown as Record<string, unknown>, nextAttemptAt: now })
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return res.length === 1;
}

/** Claims due rows atomically (SKIP LOCKED), so concurrent dispatchers never take the same row. */
async function claim(tx: Tx, now: Date, limit: number): Promise<OutboxRow[]> {
  const due = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      or(
        and(inArray(outbox.status, ["pending", "failed"]), lte(outbox.nextAttemptAt, now)),
        and(eq(outbox.status, "sending"), lt(outbox.lockedUntil, now)),
      ),
    )
    .orderBy(outbox.createdAt)
    .limit(limit)
    .for("update", { skipLocked: true });
  return tx
    .update(outbox)
    .set({ status: "sending", lockedUntil: new Date(now.getTime() + LOCK_MS), attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.id, due))
    .returning();
}

export function backoffMs(attempts: number): number {
  return Math.min(30 * 60_000, 2 ** attempts * 5_000);
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  dead: number;
  results: { outboxId: string; status: "sent" | "failed" | "dead"; messageIds?: string[]; error?: string }[];
}

/**
 * Delivers due outbox rows of one tenant through the registered channel adapters. A row is sent by
 * whoever claimed it; success and the draft's `sent` event are recorded in one transaction.
 */
export async function deliverDue(deps: Deps, channels: ChannelRegistry, tenantId: string, limit = 20): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0, dead: 0, results: [] };
  const now = deps.clock.now();
  const rows = await deps.db.tenantTx(tenantId, (tx) => claim(tx, now, limit));
  for (const row of rows) {
    const log = deps.logger.child({ outboxId: row.id, channel: row.target.channel });
    const adapter = channels.get(row.target.channel);
    try {
      if (!adapter) throw new Error(`no adapter for channel ${row.target.channel}`);
      const res = await adapter.send({ ...row.target, channel: row.target.channel as ChannelKind, idempotencyKey: row.id }, row.payload as unknown as Reply);
      await deps.db.tenantTx(tenantId, async (tx) => {
        const at = deps.clock.now();
        await tx
          .update(outbox)
          .set({ status: "sent", sentAt: at, lockedUntil: null, channelMessageId: res.messageIds[0] ?? null, lastError: null })
          .where(eq(outbox.id, row.id));
        if (row.draftId) {
          await tx.update(drafts).set({ status: "sent", updatedAt: at }).where(and(eq(drafts.id, row.draftId), eq(drafts.status, "scheduled")));
          await recordEvent(tx, { id: row.draftId, tenantId }, "sent", "scheduled", "sent", null, { outboxId: row.id, messageIds: res.messageIds }, at);
        }
      });
      deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: "sent" });
      report.sent++;
      report.results.push({ outboxId: row.id, status: "sent", messageIds: res.messageIds });
      log.info({ attempts: row.attempts }, "outbox delivered");
    } catch (e) {
      const err = asAppError(e);
      const dead = row.attempts >= OUTBOX_MAX_ATTEMPTS;
      const message = (err.cause as Error | undefined)?.message ?? err.message;
      await deps.db.tenantTx(tenantId, (tx) =>
        tx
          .update(outbox)
          .set({
            status: dead ? "dead" : "failed",
            lockedUntil: null,
            lastError: message.slice(0, 500),
            nextAttemptAt: new Date(deps.clock.now().getTime() + backoffMs(row.attempts)),
          })
          .where(eq(outbox.id, row.id)),
      );
      deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: dead ? "dead" : "failed" });
      if (dead) report.dead++;
      else report.failed++;
      report.results.push({ outboxId: row.id, status: dead ? "dead" : "failed", error: message });
      log.warn({ err: e, attempts: row.attempts, dead }, "outbox delivery failed");
    }
  }
  return report;
}

/** Tenants with due work, through a SECURITY DEFINER lookup (the dispatcher runs across tenants). */
export async function tenantsWithDueOutbox(deps: Deps): Promise<string[]> {
  const res = await deps.db.orm.execute<{ id: string }>(sql`select keel_tenants_with_due_outbox(${deps.clock.now().toISOString()}::timestamptz) as id`);
  const list = (Array.isArray(res) ? res : (res as { rows: { id: string }[] }).rows) as { id: string }[];
  return list.map((r) => r.id);
}
