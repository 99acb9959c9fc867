import { escalateWaitingDrafts } from "../core/features/drafts/index.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/**
 * Every 15 minutes: drafts waiting longer than the tenant's `escalateAfterHours` go, once, to the
 * next approver's direct chat (Slack DM, WhatsApp). Claimed per tenant and slot across replicas.
 */
export const draftEscalationsJob: JobDefinition = {
  name: "draft-escalations",
  schedule: "5-59/15 * * * *",
  description: "Escalates drafts waiting too long to the next approver, once",
  async run(deps, ctx) {
    return forEachTenant(deps, ctx, "draft-escalations", (t) => escalateWaitingDrafts(deps, t.id));
  },
};
