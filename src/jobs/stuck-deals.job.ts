import { listDeals } from "../core/features/deals/index.js";
import { formatMoney } from "../core/kernel/format.js";
import { bold } from "../core/kernel/markdown/index.js";
import { plural } from "../core/kernel/text.js";
import { sweepDrafts } from "./sweep-drafts.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/** Weekdays: stuck deals (days in stage over the stage's threshold) → drafted follow-ups for approval. */
export const stuckDealsJob: JobDefinition = {
  name: "stuck-deals",
  schedule: "30 6 * * 1-5",
  description: "Stuck-deal sweep: drafted follow-ups posted to the approvers",
  async run(deps, ctx) {
    return forEachTenant(deps, ctx, "stuck-deals", async (t) => {
      const stuck = await deps.db.tenantTx(t.id, (tx) => listDeals(tx, ctx.now, { stuck: true }));
      const subjects = stuck
        .sort((a, b) => b.valueMinor - a.valueMinor)
        .map((d) => ({
          id: d.id,
          query: d.id,
          headline: `⏳ ${bold(d.name)} (${formatMoney(d.valueMinor, d.currency)}) has been in ${d.stageName} for ${plural(d.daysInStage, "day")} (limit ${d.stuckAfterDays}). I drafted a follow-up; approve it to send.`,
        }));
      return sweepDrafts(deps, t.id, "stuck", subjects, ctx.now);
    });
  },
};
