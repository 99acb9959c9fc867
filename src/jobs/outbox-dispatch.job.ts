import { deliverDue, outboxDepth, outboxQueue, tenantsWithDueOutbox } from "../core/features/outbox/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import type { JobDefinition } from "./types.js";

/**
 * Every 5 seconds: deliver what is due in the outbox (new rows, retries after backoff, rows whose
 * sender died mid-delivery — picked up within ~13 s: the 8-s lease plus this period), tenant by
 * tenant, and sample the outbox depth for Prometheus. Rows are claimed with SKIP LOCKED, so this job
 * is also safe when a digest run delivers at the same time.
 */
export const outboxDispatchJob: JobDefinition = {
  name: "outbox-dispatch",
  schedule: "*/5 * * * * *",
  trace: false,
  description: "Outbox delivery with retries, idempotency checks, dead letters and pacing",
  leaseMs: 2 * 60_000,
  perRunner: true,
  async run(deps, ctx) {
    const tenants = await tenantsWithDueOutbox(deps);
    let sent = 0;
    let failed = 0;
    let dead = 0;
    await forEachLimit(
      tenants,
      4,
      async (t) => {
        // Counted in the outbox queue's gauges; never refused (this is where shed sends end up).
        const r = await outboxQueue(deps).run(() => deliverDue(deps, deps.channels, t, 50));
        sent += r.sent;
        failed += r.failed;
        dead += r.dead;
      },
      ctx.signal,
    );
    const depth = await outboxDepth(deps);
    return {
      tenants: tenants.length,
      sent,
      failed,
      dead,
      pending: depth.pending ?? 0,
      deadTotal: depth.dead ?? 0,
    };
  },
};
