import type { Deps } from "../core/deps.js";
import { listTenants, type Tenant } from "../core/features/tenancy/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { runClaimed } from "./claims.js";
import { jobMetrics } from "./metrics.js";
import type { JobContext } from "./types.js";

/**
 * Runs `fn` once per tenant for this fire, each tenant claimed under its own key
 * (`job:tenant:slot`) so a run that dies half-way is finished by the next runner without redoing
 * the tenants already done.
 */
export async function forEachTenant(
  deps: Deps,
  ctx: JobContext,
  job: string,
  fn: (tenant: Tenant) => Promise<number>,
  concurrency = 2,
): Promise<{ tenants: number; done: number; items: number; failed: number }> {
  const list = await listTenants(deps.db);
  const metrics = jobMetrics(deps.metrics);
  const out = { tenants: list.length, done: 0, items: 0, failed: 0 };
  await forEachLimit(
    list,
    concurrency,
    async (t) => {
      const r = await runClaimed(
        deps,
        ctx.claims,
        {
          job,
          fireKey: `${job}:${t.id}:${ctx.slot.toISOString()}`,
          scope: t.id,
          runner: ctx.runner,
          now: deps.clock.now(),
          leaseMs: 10 * 60_000,
        },
        () => fn(t),
      );
      if (r.status === "skipped") return;
      if (r.status === "succeeded") {
        out.items += r.value;
        out.done++;
      } else {
        out.failed++;
        ctx.log.error({ err: r.error, tenantId: t.id }, "job unit failed");
      }
      metrics.units.inc({ job, outcome: r.status });
    },
    ctx.signal,
  );
  return out;
}
