import type { Deps } from "../core/deps.js";
import { listTenants, type Tenant } from "../core/features/tenancy/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { type ClaimedOutcome, runClaimed } from "./claims.js";
import { jobMetrics } from "./metrics.js";
import type { JobContext } from "./types.js";

/** The claim key of one tenant's share of a fire: `job:tenant:slot` (the slot as an ISO instant). */
export function tenantUnitKey(job: string, tenantId: string, slot: Date): string {
  return `${job}:${tenantId}:${slot.toISOString()}`;
}

/**
 * Runs one tenant's share of this fire under its own claim (`tenantUnitKey`): once across replicas,
 * skipped when another runner already did it or holds it.
 */
export function runTenantUnit<T>(
  deps: Deps,
  ctx: JobContext,
  job: string,
  tenantId: string,
  leaseMs: number,
  fn: () => Promise<T>,
): Promise<ClaimedOutcome<T>> {
  return runClaimed(
    deps,
    ctx.claims,
    {
      job,
      fireKey: tenantUnitKey(job, tenantId, ctx.slot),
      scope: tenantId,
      runner: ctx.runner,
      now: deps.clock.now(),
      leaseMs,
    },
    fn,
  );
}

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
      const r = await runTenantUnit(deps, ctx, job, t.id, 10 * 60_000, () => fn(t));
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
