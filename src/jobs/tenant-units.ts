import { asc } from "drizzle-orm";
import type { Deps } from "../core/deps.js";
import { tenants } from "../core/infra/db/schema/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { claimFire, finishRun } from "./claims.js";
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
  fn: (tenant: typeof tenants.$inferSelect) => Promise<number>,
  concurrency = 2,
): Promise<{ tenants: number; done: number; items: number; failed: number }> {
  const list = await deps.db.orm.select().from(tenants).orderBy(asc(tenants.createdAt));
  const metrics = jobMetrics(deps.metrics);
  const out = { tenants: list.length, done: 0, items: 0, failed: 0 };
  await forEachLimit(
    list,
    concurrency,
    async (t) => {
      const fireKey = `${job}:${t.id}:${ctx.slot.toISOString()}`;
      const runId = await claimFire(deps, {
        job,
        fireKey,
        scope: t.id,
        runner: ctx.runner,
        now: deps.clock.now(),
        leaseMs: 10 * 60_000,
      });
      if (!runId) return;
      ctx.claims.add(runId);
      const started = performance.now();
      try {
        out.items += await fn(t);
        out.done++;
        await finishRun(deps, runId, {
          runner: ctx.runner,
          status: "succeeded",
          durationMs: performance.now() - started,
          now: deps.clock.now(),
        });
        metrics.units.inc({ job, outcome: "succeeded" });
      } catch (err) {
        out.failed++;
        ctx.log.error({ err, tenantId: t.id }, "job unit failed");
        await finishRun(deps, runId, {
          runner: ctx.runner,
          status: "failed",
          durationMs: performance.now() - started,
          error: err,
          now: deps.clock.now(),
        }).catch(() => {});
        metrics.units.inc({ job, outcome: "failed" });
      } finally {
        ctx.claims.delete(runId);
      }
    },
    ctx.signal,
  );
  return out;
}
