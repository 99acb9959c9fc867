import type { Deps } from "../../../src/core/deps.js";
import { identities, memberships, tenants, users } from "../../../src/core/infra/db/schema/index.js";

/** A minimal tenant: an owner with a Slack identity (where owner alerts go). */
export async function makeTenant(
  deps: Deps,
  slug: string,
  settings: Record<string, unknown> = {},
): Promise<{ tenantId: string; ownerId: string }> {
  const [t] = await deps.db.orm
    .insert(tenants)
    .values({ slug, name: `Tenant ${slug}`, timezone: "UTC", settings })
    .returning();
  const ownerId = await deps.db.tenantTx(t!.id, async (tx) => {
    const [u] = await tx
      .insert(users)
      .values({ tenantId: t!.id, email: `owner@${slug}.example`, name: "Owner" })
      .returning();
    await tx.insert(memberships).values({ tenantId: t!.id, userId: u!.id, role: "owner" });
    await tx
      .insert(identities)
      .values({ tenantId: t!.id, userId: u!.id, channel: "slack", externalId: `U-${slug}` });
    return u!.id;
  });
  return { tenantId: t!.id, ownerId };
}
