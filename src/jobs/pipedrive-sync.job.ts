import { tenantsWithConnector } from "../core/features/connectors/index.js";
import { PROVIDER, syncPipedrive } from "../core/features/pipedrive/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { jobMetrics } from "./metrics.js";
import { runTenantUnit } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

const JOB = "pipedrive-sync";

/**
 * Every 15 minutes: an incremental Pipedrive sync for each tenant with Pipedrive connected, each
 * tenant claimed once across replicas (`pipedrive-sync:tenant:slot`). A failing sync is recorded on
 * the account (the owner is told once per failing streak) and counted here; it never throws into the
 * scheduler and never touches chat.
 */
export const pipedriveSyncJob: JobDefinition = {
  name: JOB,
  schedule: "*/15 * * * *",
  description: "Pipedrive incremental sync for every connected tenant",
  catchUp: false,
  leaseMs: 30 * 60_000,
  async run(deps, ctx) {
    const list = await tenantsWithConnector(deps.db, PROVIDER);
    const metrics = jobMetrics(deps.metrics);
    const out = { tenants: list.length, synced: 0, failing: 0, changes: 0 };
    await forEachLimit(
      list,
      1,
      async (tenantId) => {
        const r = await runTenantUnit(deps, ctx, JOB, tenantId, 30 * 60_000, () =>
          syncPipedrive(deps, tenantId),
        );
        if (r.status === "skipped") return;
        if (r.status === "succeeded") {
          if (r.value.ok) out.synced++;
          else out.failing++;
          for (const c of Object.values(r.value.entities)) out.changes += c.new + c.updated + c.deleted;
        } else ctx.log.error({ err: r.error, tenantId }, "pipedrive sync unit failed");
        metrics.units.inc({ job: JOB, outcome: r.status });
      },
      ctx.signal,
    );
    return out;
  },
};
