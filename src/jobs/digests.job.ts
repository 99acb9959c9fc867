import { dueOccurrence, scheduledSubscriptions } from "../core/features/digest/index.js";
import { deliverDue } from "../core/features/outbox/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { type DigestUnitOutcome, runDigestUnit } from "./digest-unit.js";
import type { JobDefinition } from "./types.js";

/** Digests composed at once per runner: enough to keep the CPU busy while others wait on Postgres. */
export const DIGEST_CONCURRENCY = 8;

/**
 * Every minute: every subscription whose latest scheduled time (in its own time zone) has passed,
 * that has not had that period's digest and is outside its quiet hours, gets one — claimed per
 * (tenant, channel, subscription, period), so replicas share the work and nobody sends it twice.
 * Every replica runs every tick (`perRunner`): at 08:00 they split the due digests between them.
 * Then the outbox rows just written are delivered (the dispatcher job picks up whatever is left).
 */
export function createDigestsJob(opts: { concurrency?: number } = {}): JobDefinition {
  const concurrency = opts.concurrency ?? DIGEST_CONCURRENCY;
  return {
    name: "digests",
    schedule: "* * * * *",
    perRunner: true,
    description: "Scheduled digests per chat, in the recipient's time zone, outside quiet hours",
    async run(deps, ctx) {
      const subs = await scheduledSubscriptions(deps);
      const now = deps.clock.now();
      const due = subs.flatMap((s) => {
        const d = dueOccurrence(s, now);
        return d.due ? [{ sub: s, occ: d.occurrence }] : [];
      });
      const counts: Record<DigestUnitOutcome, number> = { enqueued: 0, skipped: 0, failed: 0, off: 0 };
      const tenants = new Set<string>();
      await forEachLimit(
        due,
        concurrency,
        async ({ sub, occ }) => {
          const outcome = await runDigestUnit(deps, ctx, sub, occ);
          counts[outcome]++;
          if (outcome === "enqueued") tenants.add(sub.tenantId);
        },
        ctx.signal,
      );
      let delivered = 0;
      await forEachLimit(
        [...tenants],
        concurrency,
        async (t) => {
          delivered += (await deliverDue(deps, deps.channels, t)).sent;
        },
        ctx.signal,
      );
      return { subscriptions: subs.length, due: due.length, ...counts, delivered };
    },
  };
}

export const digestsJob = createDigestsJob();
