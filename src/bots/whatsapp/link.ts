import type { Deps } from "../../core/deps.js";
import { requireTenant, tenantForChannel } from "../../core/features/tenancy/index.js";
import { channelLinks } from "../../core/infra/db/schema/index.js";
import { AppError } from "../../core/kernel/errors.js";

/**
 * Single-tenant mode: links the business account (phone number id, or webjs:<clientId>) to the
 * tenant named by WHATSAPP_TENANT at start-up, and returns that tenant's id. Refuses to start when the
 * account already belongs to another tenant.
 */
export async function ensureWhatsappLink(deps: Deps, tenantSlug: string, account: string): Promise<string> {
  const tenant = await requireTenant(deps.db, tenantSlug);
  await deps.db.tenantTx(tenant.id, (tx) =>
    tx
      .insert(channelLinks)
      .values({ tenantId: tenant.id, channel: "whatsapp", externalId: account })
      .onConflictDoNothing(),
  );
  const owner = await tenantForChannel(deps.db, "whatsapp", account);
  if (owner !== tenant.id) {
    throw new AppError(
      "config_invalid",
      `This WhatsApp number is linked to another tenant, not "${tenantSlug}".`,
    );
  }
  return tenant.id;
}
