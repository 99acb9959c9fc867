import { and, eq, inArray, lt, lte, notInArray, or, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { outbox } from "../../infra/db/schema/index.js";
import { scrubText } from "../../infra/safe-error.js";
import { currentTraceparent, span } from "../../infra/telemetry/trace.js";
import { BoundedQueue } from "../../kernel/bounded-queue.js";
import { asAppError, isAppError } from "../../kernel/errors.js";
import {
  type ChannelKind,
  type ChannelRegistry,
  ClaimLost,
  DeliveryDeferred,
  type DeliveryTarget,
  type PartLedger,
} from "../../ports/chat-adapter.js";
import type { Reply } from "../../ports/reply.js";
import { deadLetterReply, isDeadLetterAlert } from "./dead-letter.js";
import { outboxMetrics } from "./metrics.js";
import { paceChannel } from "./pacing.js";
import { ownerAlertTarget } from "./targets.js";

export { DEAD_LETTER_KIND, deadLetterReply, isDeadLetterAlert } from "./dead-letter.js";
export { outboxMetrics } from "./metrics.js";
export { OUTBOX_PACE_MS, paceChannel } from "./pacing.js";
export { type AlertTarget, ownerAlertTarget, teamAlertTarget } from "./targets.js";

export type OutboxRow = typeof outbox.$inferSelect;
export type { ChannelRegistry, DraftSentHook } from "../../ports/chat-adapter.js";

export const OUTBOX_MAX_ATTEMPTS = 6;
/**
 * The claim on an outbox row. Claiming sets `status = 'sending'`, adds one to `attempts` and leases
 * the row until `locked_until`; `(id, attempts)` names this claim, so `attempts` is the fencing
 * token: only the sender whose claim is current may write the row or send it.
 *
 * How long a claimed row stays ours without a renewal; after that another dispatcher may take it
 * (crash recovery). Sized to a send, not to a batch: a live sender renews it every OUTBOX_RENEW_MS
 * however long its sends take (Web API timeout 10 s, pacing), a dead one loses it within this — with
 * the dispatcher running every 5 s, a crashed delivery is picked up again within ~13 s.
 *
 * A live sender can still lose the lease: renewals are timers and queries, and a stalled event loop
 * or a starved pool delays them past the lease while the row waits for its pacing slot. The fence
 * closes that window: right before each request that sends a part (after the pacing wait) the
 * adapter calls `parts.fence()`, which extends the lease only while `(id, attempts)` is still the
 * current claim and otherwise throws `ClaimLost` — the stale sender sends nothing, and the one that
 * took over (attempt + 1, which looks the message up on the channel first) delivers it. What stays
 * at-least-once is a request already under way when the lease runs out (longer than the lease, with
 * renewals failing all that time).
 */
export const OUTBOX_LEASE_MS = 8_000;
export const OUTBOX_RENEW_MS = 2_000;
/** @deprecated the lease is OUTBOX_LEASE_MS. */
export const OUTBOX_LOCK_MS = OUTBOX_LEASE_MS;

/**
 * Enqueues a message in the caller's transaction. The same dedupe key enqueues once.
 * `notBefore` holds it back (quiet hours); by default it is due now.
 */
export async function enqueue(
  tx: Tx,
  row: {
    tenantId: string;
    dedupeKey: string;
    draftId?: string;
    target: OutboxRow["target"];
    payload: Reply;
    notBefore?: Date;
  },
  now: Date,
): Promise<boolean> {
  const { notBefore, ...values } = row;
  const attributes = { "keel.channel": row.target.channel, "keel.tenant.id": row.tenantId };
  return span("outbox.enqueue", { kind: "producer", attributes }, async (s) => {
    const res = await tx
      .insert(outbox)
      .values({
        ...values,
        payload: row.payload as unknown as Record<string, unknown>,
        nextAttemptAt: notBefore && notBefore > now ? notBefore : now,
        createdAt: now,
        // The delivery continues this trace, whoever sends it and whenever.
        traceContext: currentTraceparent(),
      })
      .onConflictDoNothing()
      .returning({ id: outbox.id });
    s.setAttributes({ "keel.outbox.id": res[0]?.id, "keel.outbox.enqueued": res.length === 1 });
    return res.length === 1;
  });
}

/**
 * Claims due rows atomically (SKIP LOCKED), so concurrent dispatchers never take the same row. Rows
 * of `elsewhere` channels (singletons held by another replica) are left for that replica.
 */
async function claim(tx: Tx, now: Date, limit: number, elsewhere: string[] = []): Promise<OutboxRow[]> {
  const due = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        or(
          and(inArray(outbox.status, ["pending", "failed"]), lte(outbox.nextAttemptAt, now)),
          and(eq(outbox.status, "sending"), lt(outbox.lockedUntil, now)),
        ),
        elsewhere.length ? notInArray(sql`${outbox.target}->>'channel'`, elsewhere) : undefined,
      ),
    )
    .orderBy(outbox.createdAt)
    .limit(limit)
    .for("update", { skipLocked: true });
  return tx
    .update(outbox)
    .set({
      status: "sending",
      lockedUntil: new Date(now.getTime() + OUTBOX_LEASE_MS),
      attempts: sql`${outbox.attempts} + 1`,
    })
    .where(inArray(outbox.id, due))
    .returning();
}

/** The row while `row`'s claim is the current one (see OUTBOX_LEASE_MS: attempts is the fencing token). */
function claimed(row: Pick<OutboxRow, "id" | "attempts">) {
  return and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts));
}

export function backoffMs(attempts: number): number {
  return Math.min(30 * 60_000, 2 ** attempts * 5_000);
}

/** A channel's rate-limit hint (429 Retry-After) when the error carries one, in ms. */
export function retryAfterMs(e: unknown): number | null {
  for (let cur: unknown = e, i = 0; cur && i < 4; cur = (cur as { cause?: unknown }).cause, i++) {
    const o = cur as { retryAfterMs?: unknown; retryAfter?: unknown; data?: { retryAfter?: unknown } };
    if (typeof o.retryAfterMs === "number") return o.retryAfterMs;
    const s =
      typeof o.retryAfter === "number"
        ? o.retryAfter
        : typeof o.data?.retryAfter === "number"
          ? o.data.retryAfter
          : null;
    if (s !== null) return s * 1000;
  }
  return null;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  dead: number;
  results: {
    outboxId: string;
    /** superseded: the claim ran out before the send and another sender took the row over. */
    status: "sent" | "failed" | "dead" | "deferred" | "superseded";
    messageIds?: string[];
    error?: string;
    recovered?: boolean;
  }[];
}

export interface DeliverOptions {
  maxAttempts?: number;
  /** Skip the per-address pacing (tests of other behaviour, operator tools). */
  noPacing?: boolean;
}

/**
 * Marks the row sent. Whoever sent it records it, also a sender whose claim has run out meanwhile:
 * the message is out, and the record makes the current holder's fence fail, so it does not send it
 * again. Only the first record counts (the draft is told once).
 */
async function recordSent(deps: Deps, tenantId: string, row: OutboxRow, messageIds: string[]): Promise<void> {
  await deps.db.tenantTx(tenantId, async (tx) => {
    const at = deps.clock.now();
    const done = await tx
      .update(outbox)
      .set({
        status: "sent",
        sentAt: at,
        lockedUntil: null,
        channelMessageId: messageIds[0] ?? null,
        lastError: null,
      })
      .where(and(eq(outbox.id, row.id), eq(outbox.status, "sending")))
      .returning({ id: outbox.id });
    // A draft's own state is the drafts feature's business; it is handed the sending transaction.
    if (done.length && row.draftId)
      await deps.onDraftSent(tx, tenantId, row.draftId, { outboxId: row.id, messageIds }, at);
  });
}

/**
 * Delivers due outbox rows of one tenant through the registered channel adapters, at least once
 * and — where the channel can tell — at most once: a row whose earlier attempt may have reached the
 * channel (attempts > 1) is first looked up with `alreadyDelivered` and only re-sent when not
 * found. Failures back off exponentially (or per Retry-After); after `maxAttempts` the row is dead
 * and the tenant owner is alerted through the outbox in the same transaction.
 */
export async function deliverDue(
  deps: Deps,
  channels: ChannelRegistry,
  tenantId: string,
  limit = 20,
  opts: DeliverOptions = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0, dead: 0, results: [] };
  const maxAttempts = opts.maxAttempts ?? OUTBOX_MAX_ATTEMPTS;
  const om = outboxMetrics(deps.metrics);
  const elsewhere = [...channels].filter(([, a]) => a.deliversHere?.() === false).map(([k]) => k);
  const rows = await deps.db.tenantTx(tenantId, (tx) => claim(tx, deps.clock.now(), limit, elsewhere));
  // Every claimed row not finished yet keeps its lease, also those waiting their turn behind pacing.
  const held = new Map(rows.map((r) => [r.id, r.attempts]));
  const renew = keepLeases(deps, tenantId, held);
  // Each row's delivery continues the trace that enqueued it, linked to whoever delivers it now.
  const caller = currentTraceparent();
  const one = async (row: OutboxRow) => {
    const log = deps.logger.child({ outboxId: row.id, channel: row.target.channel });
    const adapter = channels.get(row.target.channel);
    const target: DeliveryTarget = {
      ...row.target,
      channel: row.target.channel as ChannelKind,
      idempotencyKey: row.id,
      tenantId,
      attempt: row.attempts,
      parts: partLedger(deps, tenantId, row),
    };
    try {
      if (!adapter) throw new Error(`no adapter for channel ${row.target.channel}`);
      const prior =
        row.attempts > 1 && adapter.alreadyDelivered ? await adapter.alreadyDelivered(target, row.id) : null;
      if (prior) {
        await recordSent(deps, tenantId, row, [prior]);
        om.recovered.inc({ channel: row.target.channel });
        deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: "recovered" });
        report.sent++;
        report.results.push({ outboxId: row.id, status: "sent", messageIds: [prior], recovered: true });
        log.info({ attempts: row.attempts }, "outbox message was already delivered; not re-sent");
        return;
      }
      // A wait for the outbox's own pacing (channels no adapter paces) is fenced like an adapter's.
      if (!opts.noPacing && (await paceChannel(deps.store, row.target.channel, row.target.address)) > 0)
        await target.parts?.fence?.();
      const res = await adapter.send(target, row.payload as unknown as Reply);
      await recordSent(deps, tenantId, row, res.messageIds);
      deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: "sent" });
      report.sent++;
      report.results.push({ outboxId: row.id, status: "sent", messageIds: res.messageIds });
      log.info({ attempts: row.attempts }, "outbox delivered");
    } catch (e) {
      if (e instanceof ClaimLost) {
        // Another sender holds the row now and delivers it: nothing of ours to write.
        deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: "superseded" });
        report.results.push({ outboxId: row.id, status: "superseded" });
        log.warn({ attempts: row.attempts }, "outbox claim ran out before the send; left to its new holder");
        return;
      }
      if (e instanceof DeliveryDeferred) {
        // Not a failure: keep the message, give the attempt back, try again later.
        await deps.db.tenantTx(tenantId, (tx) =>
          tx
            .update(outbox)
            .set({
              status: "pending",
              attempts: sql`greatest(${outbox.attempts} - 1, 0)`,
              lockedUntil: null,
              lastError: `held: ${e.reason}`.slice(0, 500),
              nextAttemptAt: new Date(deps.clock.now().getTime() + e.retryInMs),
            })
            .where(claimed(row)),
        );
        deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: "deferred" });
        report.results.push({ outboxId: row.id, status: "deferred", error: e.reason });
        log.info({ retryInMs: e.retryInMs }, "outbox delivery deferred");
        return;
      }
      const err = asAppError(e);
      // A channel that says "this will never work" (Graph: invalid recipient, template missing,
      // bad parameter; an address that is not one) is not retried five more times: dead now.
      const permanent =
        isAppError(e) && !e.retryable && (e.code === "provider_error" || e.code === "bad_input");
      const dead = row.attempts >= maxAttempts || permanent;
      // Stored in the row and shown to the owner: scrubbed like a log line (tokens, SQL parameters).
      const message = scrubText((err.cause as Error | undefined)?.message ?? err.message);
      const wait = Math.max(backoffMs(row.attempts), retryAfterMs(e) ?? 0);
      const alertTo =
        dead && !isDeadLetterAlert(row.payload)
          ? await ownerAlertTarget(deps, tenantId).catch(() => null)
          : null;
      await deps.db.tenantTx(tenantId, async (tx) => {
        const at = deps.clock.now();
        const mine = await tx
          .update(outbox)
          .set({
            status: dead ? "dead" : "failed",
            lockedUntil: null,
            lastError: message.slice(0, 500),
            nextAttemptAt: new Date(at.getTime() + wait),
          })
          .where(claimed(row))
          .returning({ id: outbox.id });
        if (alertTo && mine.length)
          await enqueue(
            tx,
            {
              tenantId,
              dedupeKey: `dead-letter:${row.id}`,
              target: alertTo,
              payload: deadLetterReply(row, message),
            },
            at,
          );
      });
      deps.metrics.outboxDelivered.inc({ channel: row.target.channel, outcome: dead ? "dead" : "failed" });
      if (dead) om.deadLetters.inc({ channel: row.target.channel });
      if (dead) report.dead++;
      else report.failed++;
      report.results.push({ outboxId: row.id, status: dead ? "dead" : "failed", error: message });
      log.warn({ err: e, attempts: row.attempts, dead, retryInMs: wait }, "outbox delivery failed");
    } finally {
      held.delete(row.id);
    }
  };
  try {
    for (const row of rows)
      await span(
        "outbox.deliver",
        {
          kind: "consumer",
          parent: row.traceContext ?? caller,
          links: row.traceContext && caller ? [caller] : [],
          attributes: {
            "keel.outbox.id": row.id,
            "keel.channel": row.target.channel,
            "keel.outbox.attempt": row.attempts,
            "keel.tenant.id": tenantId,
          },
        },
        async (s) => {
          await one(row);
          const status = report.results.at(-1)?.status;
          s.setAttributes({ "keel.outbox.status": status });
          if (status === "failed" || status === "dead") s.fail({ name: "DeliveryFailed", code: status });
        },
      );
  } finally {
    clearInterval(renew);
  }
  return report;
}

const queues = new WeakMap<Deps, BoundedQueue>();

/**
 * This replica's bounded queue of outbox deliveries (gauges: `queue="outbox"`): at most
 * KEEL_OUTBOX_CONCURRENCY run at once, KEEL_OUTBOX_QUEUE more wait for a send right after a turn.
 */
export function outboxQueue(deps: Deps): BoundedQueue {
  let q = queues.get(deps);
  if (!q) {
    q = new BoundedQueue("outbox", {
      concurrency: deps.config.load.outboxConcurrency,
      maxQueued: deps.config.load.outboxQueue,
    });
    queues.set(deps, q);
    deps.metrics.queues.add(q);
  }
  return q;
}

/**
 * Delivers a tenant's due messages right after a turn enqueued its reply, through the bounded
 * outbox queue. Past the bound nothing is lost and nobody waits: the rows stay due, the dispatcher
 * job sends them within ~5 s, and the caller gets an empty report at once.
 */
export async function deliverSoon(
  deps: Deps,
  channels: ChannelRegistry,
  tenantId: string,
  limit = 20,
): Promise<DeliveryReport> {
  const slot = outboxQueue(deps).reserve();
  if (!slot) {
    deps.metrics.queueShed.inc({ queue: "outbox" });
    deps.logger.info({ tenantId }, "outbox queue full: left for the dispatcher");
    return { sent: 0, failed: 0, dead: 0, results: [] };
  }
  return slot.run(() => deliverDue(deps, channels, tenantId, limit));
}

/**
 * Renews claimed rows' leases while their sender lives (stops with the process, so a crash frees
 * them); only claims still current (id and attempts), never a row another sender has taken over.
 */
function keepLeases(deps: Deps, tenantId: string, held: Map<string, number>): NodeJS.Timeout {
  const t = setInterval(() => {
    if (!held.size) return;
    deps.db
      .tenantTx(tenantId, (tx) =>
        tx
          .update(outbox)
          .set({ lockedUntil: new Date(deps.clock.now().getTime() + OUTBOX_LEASE_MS) })
          .where(or(...[...held].map(([id, attempts]) => claimed({ id, attempts })))),
      )
      .catch((err) => deps.logger.warn({ err }, "outbox lease renewal failed"));
  }, OUTBOX_RENEW_MS);
  t.unref();
  return t;
}

/**
 * The row's record of parts already sent, in Postgres (the same protection with or without Redis),
 * and the claim's fence (see OUTBOX_LEASE_MS).
 */
function partLedger(deps: Deps, tenantId: string, row: OutboxRow): PartLedger {
  const parts: Record<string, string> = { ...(row.parts ?? {}) };
  return {
    done: (i) => parts[String(i)],
    async fence() {
      const kept = await deps.db.tenantTx(tenantId, (tx) =>
        tx
          .update(outbox)
          .set({ lockedUntil: new Date(deps.clock.now().getTime() + OUTBOX_LEASE_MS) })
          .where(claimed(row))
          .returning({ id: outbox.id }),
      );
      if (!kept.length) throw new ClaimLost(row.id);
    },
    async record(i, messageId) {
      parts[String(i)] = messageId;
      await deps.db.tenantTx(tenantId, (tx) =>
        tx
          .update(outbox)
          .set({ parts: sql`${outbox.parts} || ${JSON.stringify({ [String(i)]: messageId })}::jsonb` })
          .where(eq(outbox.id, row.id)),
      );
    },
  };
}

/** Tenants with due work, through a SECURITY DEFINER lookup (the dispatcher runs across tenants). */
export async function tenantsWithDueOutbox(deps: Deps): Promise<string[]> {
  const list = await deps.db.rows<{ id: string }>(
    sql`select keel_tenants_with_due_outbox(${deps.clock.now().toISOString()}::timestamptz) as id`,
  );
  return list.map((r) => r.id);
}

/** Unsent outbox rows by status over all tenants; also sets the depth gauges. */
export async function outboxDepth(deps: Deps): Promise<Record<string, number>> {
  const list = await deps.db.rows<{ status: string; n: string | number }>(
    sql`select * from keel_outbox_depth()`,
  );
  const out: Record<string, number> = { pending: 0, sending: 0, failed: 0, dead: 0 };
  for (const r of list) out[r.status] = Number(r.n);
  const om = outboxMetrics(deps.metrics);
  for (const [status, n] of Object.entries(out)) om.depthByStatus.set({ status }, n);
  deps.metrics.outboxDepth.set((out.pending ?? 0) + (out.sending ?? 0) + (out.failed ?? 0));
  return out;
}
