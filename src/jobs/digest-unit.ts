import type { Deps } from "../core/deps.js";
import {
  buildDigest,
  markDelivered,
  type Occurrence,
  type ScheduledSubscription,
  subscriptionById,
} from "../core/features/digest/index.js";
import { enqueue } from "../core/features/outbox/index.js";
import { actorById } from "../core/features/tenancy/index.js";
import { runClaimed } from "./claims.js";
import { jobMetrics } from "./metrics.js";
import type { JobContext } from "./types.js";

/** A digest claim not finished within this long is considered abandoned (its worker died). */
export const DIGEST_LEASE_MS = 2 * 60_000;
/** A digest that failed is tried again on a later tick after this long. */
export const DIGEST_RETRY_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

export type DigestUnitOutcome = "enqueued" | "skipped" | "failed" | "off";

export const digestFireKey = (
  s: Pick<ScheduledSubscription, "tenantId" | "channel" | "id">,
  period: string,
) => `digest:${s.tenantId}:${s.channel}:${s.id}:${period}`;

/**
 * One digest of one subscription for one period: claim the fire key, compose and render, then in
 * ONE tenant transaction enqueue it in the outbox (dedupe key = fire key), mark the period
 * delivered on the subscription and record the run as succeeded. A crash anywhere before that
 * commit leaves the claim to expire and another runner redoes the whole unit; a crash after it
 * leaves only outbox delivery, which is itself at-least-once with an idempotency check.
 */
export async function runDigestUnit(
  deps: Deps,
  ctx: JobContext,
  sub: ScheduledSubscription,
  occ: Occurrence,
): Promise<DigestUnitOutcome> {
  const fireKey = digestFireKey(sub, occ.period);
  const metrics = jobMetrics(deps.metrics);
  await ctx.hooks.at?.("before-claim", { job: "digests", fireKey });
  const r = await runClaimed(
    deps,
    ctx.claims,
    {
      job: "digest",
      fireKey,
      scope: sub.tenantId,
      runner: ctx.runner,
      now: deps.clock.now(),
      leaseMs: DIGEST_LEASE_MS,
      retryFailedAfterMs: DIGEST_RETRY_MS,
    },
    async (fire): Promise<"enqueued" | "off"> => {
      await ctx.hooks.at?.("after-claim", { job: "digests", fireKey });
      const full = await deps.db.tenantTx(sub.tenantId, (tx) => subscriptionById(tx, sub.id));
      if (!full || full.cadence === "off") return "off";
      const periodMs = (full.cadence === "weekly" ? 7 : 1) * DAY_MS;
      const since = full.lastSentAt ?? new Date(occ.at.getTime() - periodMs);
      // The digest shows what the person who subscribed the chat may see; without one, a viewer's view.
      const subscriber = full.userId ? await actorById(deps.db, sub.tenantId, full.userId) : undefined;
      const { reply } = await buildDigest(deps, sub.tenantId, {
        since,
        audience: subscriber ?? { role: "viewer", userId: "" },
        save: full.channel === "console",
        name: `digest-${sub.tenantId}-${occ.period}`,
        title: full.cadence === "weekly" ? "Your weekly Keel digest" : "Your daily Keel digest",
      });
      reply.meta = { ...reply.meta, period: occ.period, subscriptionId: sub.id };
      await deps.db.tenantTx(sub.tenantId, async (tx) => {
        const at = deps.clock.now();
        const target = {
          channel: full.channel,
          address: full.address,
          ...(full.threadId ? { threadId: full.threadId } : {}),
        };
        await enqueue(tx, { tenantId: sub.tenantId, dedupeKey: fireKey, target, payload: reply }, at);
        await markDelivered(tx, sub.id, occ.period, at);
        await fire.succeedIn(tx);
      });
      metrics.units.inc({ job: "digests", outcome: "enqueued" });
      await ctx.hooks.at?.("after-commit", { job: "digests", fireKey });
      return "enqueued";
    },
  );
  if (r.status === "skipped") {
    metrics.units.inc({ job: "digests", outcome: "skipped" });
    return "skipped";
  }
  if (r.status === "succeeded") return r.value;
  ctx.log.error({ err: r.error, tenantId: sub.tenantId, subscriptionId: sub.id }, "digest failed");
  metrics.units.inc({ job: "digests", outcome: "failed" });
  return "failed";
}
