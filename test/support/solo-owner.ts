import type { Deps } from "../../src/core/deps.js";
import { updateApprovalPolicy } from "../../src/core/features/drafts/index.js";
import { actorByEmail } from "../../src/core/features/tenancy/index.js";

/**
 * A one-person business: the owner drafts and approves their own reminders at any amount (four eyes
 * off, as such a tenant sets it). For channel tests whose subject is the approval transport, not policy.
 */
export async function soloOwnerPolicy(
  deps: Deps,
  tenantId: string,
  email = "owner@demo.example",
): Promise<void> {
  await updateApprovalPolicy(deps, await actorByEmail(deps.db, tenantId, email), { fourEyesAbove: null });
}
