import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db/client.js";
import { identities, memberships, tenants, users } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import type { Actor, Role } from "../auth/index.js";

export type Tenant = typeof tenants.$inferSelect;

export async function findTenantBySlug(db: Database, slug: string): Promise<Tenant | undefined> {
  const [t] = await db.orm.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return t;
}

export async function requireTenant(db: Database, slug: string): Promise<Tenant> {
  const t = await findTenantBySlug(db, slug);
  if (!t) {
    const known = (await db.orm.select({ slug: tenants.slug }).from(tenants)).map((r) => r.slug);
    throw new AppError(
      "not_found",
      known.length
        ? `Unknown tenant "${slug}". Known tenants: ${known.join(", ")}. \`keel setup\` creates a new one.`
        : `Unknown tenant "${slug}": the database has no companies yet. Run \`keel setup\` to set up yours, or \`keel demo\` to load the demo company.`,
    );
  }
  return t;
}

/** The hosts a model-written reply may link to: the tenant's own (settings.domain, settings.linkDomains). */
export function linkDomains(settings: unknown): string[] {
  const s = (settings ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  if (typeof s.domain === "string") out.push(s.domain);
  if (Array.isArray(s.linkDomains)) for (const d of s.linkDomains) if (typeof d === "string") out.push(d);
  return out;
}

/** Every tenant, oldest first (jobs walk them in a stable order). */
export async function listTenants(db: Database): Promise<Tenant[]> {
  return db.orm.select().from(tenants).orderBy(asc(tenants.createdAt));
}

export async function getTenant(db: Database, id: string): Promise<Tenant | undefined> {
  const [t] = await db.orm.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return t;
}

/** Resolves a channel account (Slack team, WhatsApp number) to its tenant without reading tenant data. */
export async function tenantForChannel(
  db: Database,
  channel: string,
  externalId: string,
): Promise<string | null> {
  const list = await db.rows<{ id: string | null }>(
    sql`select keel_tenant_for_channel(${channel}, ${externalId}) as id`,
  );
  return list[0]?.id ?? null;
}

async function actorWhere(
  db: Database,
  tenantId: string,
  where: ReturnType<typeof eq>,
): Promise<Actor | undefined> {
  return db.tenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(where)
      .limit(1);
    return row ? { ...row, tenantId, role: row.role as Role } : undefined;
  });
}

export function actorById(db: Database, tenantId: string, userId: string) {
  return actorWhere(db, tenantId, eq(users.id, userId));
}

export async function actorByEmail(db: Database, tenantId: string, email: string): Promise<Actor> {
  const a = await actorWhere(db, tenantId, eq(users.email, email.toLowerCase()));
  if (!a) throw new AppError("not_found", `Unknown user "${email}" in this tenant.`);
  return a;
}

/** The first owner of a tenant: the default console user. */
export async function defaultActor(db: Database, tenantId: string): Promise<Actor> {
  const a = await actorWhere(db, tenantId, eq(memberships.role, "owner"));
  if (!a) throw new AppError("not_found", "This tenant has no owner yet.");
  return a;
}

/** Maps a channel account (Slack user id, phone number) to a Keel user of the tenant. */
export async function actorForIdentity(
  db: Database,
  tenantId: string,
  channel: string,
  externalId: string,
): Promise<Actor | undefined> {
  const userId = await db.tenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .select({ userId: identities.userId })
      .from(identities)
      .where(and(eq(identities.channel, channel), eq(identities.externalId, externalId)))
      .limit(1);
    return row?.userId;
  });
  return userId ? actorById(db, tenantId, userId) : undefined;
}

/**
 * Links a chat account to the user an owner already added with this e-mail (Slack profiles carry a
 * verified address). Undefined when no such user: nobody becomes a member by writing to Keel.
 */
export async function linkIdentityByEmail(
  db: Database,
  tenantId: string,
  channel: string,
  externalId: string,
  email: string,
): Promise<Actor | undefined> {
  const linked = await db.tenantTx(tenantId, async (tx) => {
    const [u] = await tx
      .select({ id: users.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, email.toLowerCase()))
      .limit(1);
    if (!u) return false;
    await tx.insert(identities).values({ tenantId, userId: u.id, channel, externalId }).onConflictDoNothing();
    return true;
  });
  return linked ? actorForIdentity(db, tenantId, channel, externalId) : undefined;
}

/** Creates a user with an identity on first contact (role viewer until an owner assigns one). */
export async function ensureIdentityUser(
  db: Database,
  tenantId: string,
  channel: string,
  externalId: string,
  profile: { name: string; email?: string; role?: Role },
): Promise<Actor> {
  const existing = await actorForIdentity(db, tenantId, channel, externalId);
  if (existing) return existing;
  await db.tenantTx(tenantId, async (tx) => {
    const email = (profile.email ?? `${channel}-${externalId}@unknown.invalid`).toLowerCase();
    let [u] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
    if (!u) {
      [u] = await tx.insert(users).values({ tenantId, email, name: profile.name }).returning();
      await tx.insert(memberships).values({ tenantId, userId: u!.id, role: profile.role ?? "viewer" });
    }
    await tx
      .insert(identities)
      .values({ tenantId, userId: u!.id, channel, externalId })
      .onConflictDoNothing();
  });
  return (await actorForIdentity(db, tenantId, channel, externalId))!;
}

export { tenancyFeature } from "./feature.js";
export { setRoleReply, userQuery } from "./roles.js";
