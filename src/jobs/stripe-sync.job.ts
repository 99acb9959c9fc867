import { tenantsWithConnector } from "../core/features/connectors/index.js";
import { STRIPE, syncStripe } from "../core/features/stripe/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import { runTenantUnit } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/**
 * Incremental Stripe sync of every tenant that connected Stripe, each tenant claimed once per slot
 * across replicas. A failing tenant is recorded on its connector account (the owner is told once per
 * failing streak) and never stops the others; chat never waits on it.
 */
export const stripeSyncJob: JobDefinition = {
  name: "stripe-sync",
  schedule: "*/15 * * * *",
  description: "Stripe: incremental sync of customers, invoices, payments and refunds",
  catchUp: false,
  async run(deps, ctx) {
    const out = { tenants: 0, synced: 0, failed: 0 };
    const list = await tenantsWithConnector(deps.db, STRIPE);
    out.tenants = list.length;
    await forEachLimit(
      list,
      1,
      async (tenantId) => {
        const r = await runTenantUnit(deps, ctx, "stripe-sync", tenantId, 30 * 60_000, () =>
          syncStripe(deps, tenantId),
        );
        if (r.status === "succeeded") out.synced++;
        else if (r.status === "failed") {
          out.failed++;
          ctx.log.warn({ tenantId, code: (r.error as { code?: string })?.code }, "stripe sync failed");
        }
      },
      ctx.signal,
    );
    return out;
  },
};
