import { eq, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { tenants } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { type Actor, can } from "../auth/index.js";
import { type ApprovalPolicy, approvalPolicyFrom } from "./approval-policy.js";

/**
 * Owners change the approval policy (merged into `tenants.settings.approvalPolicy`); the result is
 * parsed back, so a malformed patch can only fall back to the defaults, never widen who approves.
 */
export async function updateApprovalPolicy(
  deps: Deps,
  actor: Actor,
  patch: Record<string, unknown>,
): Promise<ApprovalPolicy> {
  if (!can(actor, "settings.manage"))
    throw new AppError("forbidden", "Only an owner can change the approval policy.");
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const [t] = await tx
      .select({ settings: tenants.settings })
      .from(tenants)
      .where(eq(tenants.id, actor.tenantId))
      .for("update");
    const current = (t?.settings.approvalPolicy ?? {}) as Record<string, unknown>;
    const next = { ...current, ...patch };
    await tx
      .update(tenants)
      .set({
        settings: sql`jsonb_set(${tenants.settings}, '{approvalPolicy}', ${JSON.stringify(next)}::jsonb)`,
      })
      .where(eq(tenants.id, actor.tenantId));
    deps.logger.info({ tenantId: actor.tenantId, keys: Object.keys(patch) }, "approval policy changed");
    return approvalPolicyFrom({ approvalPolicy: next });
  });
}
