import { expireDueDrafts } from "../core/features/drafts/index.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/**
 * Every 10 minutes: pending drafts past their expiry become `expired` (with an audit event), so no
 * list, digest or App Home shows them as waiting and no late click sends them. Claimed per tenant
 * and slot, so it runs once across replicas.
 */
export const draftExpiryJob: JobDefinition = {
  name: "draft-expiry",
  schedule: "*/10 * * * *",
  description: "Expires drafts nobody approved in time",
  async run(deps, ctx) {
    return forEachTenant(deps, ctx, "draft-expiry", async (t) => (await expireDueDrafts(deps, t.id)).length);
  },
};
