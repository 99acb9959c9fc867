import { and, asc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { deals, identities, memberships, ROLES, type Role, users } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { nameFromEmail } from "./setup.js";

/**
 * People of a company, managed by the operator/owner from the CLI: add, list, change role, remove
 * (access revoked; their deals go to another user or to nobody) and link their chat identities.
 */
const emailSchema = z.string().trim().toLowerCase().pipe(z.email());

function email(raw: string): string {
  const r = emailSchema.safeParse(raw);
  if (!r.success) throw new AppError("bad_input", `"${raw}" is not an e-mail address.`);
  return r.data;
}

function role(raw: string): Role {
  const r = raw.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(r))
    throw new AppError("bad_input", `Unknown role "${raw}". Roles: ${ROLES.join(", ")}.`);
  return r as Role;
}

/** Slack user ids (U…/W…) and WhatsApp numbers in E.164 (+…): what the adapters put in identities. */
export const IDENTITY_FORMATS = {
  slack: { re: /^[UW][A-Z0-9]{4,}$/, expected: "a Slack user id like U012ABCDEF" },
  whatsapp: { re: /^\+[1-9]\d{6,14}$/, expected: "a phone number in international format like +15551234567" },
} as const;
export type IdentityChannel = keyof typeof IDENTITY_FORMATS;

/**
 * An identity as stored, from how a person typed it: a WhatsApp number without spaces, brackets or
 * dashes, a Slack id trimmed and upper-cased. Linking and unlinking read it the same way.
 */
export function identityExternalId(channel: string, typed: string): string {
  if (channel === "whatsapp") return typed.replace(/[\s()-]/g, "");
  return channel === "slack" ? typed.trim().toUpperCase() : typed.trim();
}

async function member(tx: Tx, addr: string) {
  const [row] = await tx
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, addr))
    .limit(1);
  if (!row)
    throw new AppError("not_found", `No user ${addr} in this company. \`keel users list\` shows who is.`);
  return row;
}

async function otherOwners(tx: Tx, userId: string) {
  return tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.role, "owner"), ne(memberships.userId, userId)));
}

export async function addUser(
  deps: Deps,
  tenantId: string,
  input: { email: string; name?: string; role: string },
) {
  const addr = email(input.email);
  const r = role(input.role);
  return deps.db.tenantTx(tenantId, async (tx) => {
    let [u] = await tx.select().from(users).where(eq(users.email, addr)).limit(1);
    if (!u)
      [u] = await tx
        .insert(users)
        .values({ tenantId, email: addr, name: input.name?.trim() || nameFromEmail(addr) })
        .returning();
    else if (input.name?.trim())
      await tx.update(users).set({ name: input.name.trim() }).where(eq(users.id, u.id));
    const [m] = await tx.select().from(memberships).where(eq(memberships.userId, u!.id)).limit(1);
    if (m)
      throw new AppError("conflict", `${addr} is already a ${m.role}; use \`keel users role\` to change it.`);
    await tx.insert(memberships).values({ tenantId, userId: u!.id, role: r });
    deps.logger.info({ tenantId, userId: u!.id, role: r }, "user added");
    return { id: u!.id, email: addr, name: input.name?.trim() || u!.name, role: r };
  });
}

export async function listUsers(deps: Deps, tenantId: string) {
  return deps.db.tenantTx(tenantId, async (tx) => {
    const people = await tx
      .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .orderBy(asc(users.email));
    const ids = await tx.select().from(identities);
    return people.map((p) => ({
      ...p,
      identities: ids
        .filter((i) => i.userId === p.id)
        .map((i) => ({ channel: i.channel, externalId: i.externalId })),
    }));
  });
}

export async function setUserRole(deps: Deps, tenantId: string, who: string, newRole: string) {
  const addr = email(who);
  const r = role(newRole);
  return deps.db.tenantTx(tenantId, async (tx) => {
    const m = await member(tx, addr);
    if (m.role === "owner" && r !== "owner" && (await otherOwners(tx, m.id)).length === 0)
      throw new AppError("conflict", `${addr} is the only owner; make someone else an owner first.`);
    await tx.update(memberships).set({ role: r }).where(eq(memberships.userId, m.id));
    deps.logger.info({ tenantId, userId: m.id, role: r }, "role changed");
    return { ...m, previous: m.role, role: r };
  });
}

/**
 * Revokes a person's access: membership and chat identities go; the user row stays so past drafts
 * and approvals still name them. Their open deals move to `reassignTo`, or are left without owner.
 */
export async function removeUser(deps: Deps, tenantId: string, who: string, reassignTo?: string) {
  const addr = email(who);
  return deps.db.tenantTx(tenantId, async (tx) => {
    const m = await member(tx, addr);
    if (m.role === "owner" && (await otherOwners(tx, m.id)).length === 0)
      throw new AppError("conflict", `${addr} is the only owner and cannot be removed.`);
    const heir = reassignTo ? await member(tx, email(reassignTo)) : undefined;
    if (heir?.id === m.id)
      throw new AppError("bad_input", "Reassign the deals to someone else than the person removed.");
    const moved = await tx
      .update(deals)
      .set({ ownerUserId: heir?.id ?? null })
      .where(eq(deals.ownerUserId, m.id))
      .returning({ id: deals.id });
    await tx.delete(identities).where(eq(identities.userId, m.id));
    await tx.delete(memberships).where(eq(memberships.userId, m.id));
    deps.logger.info({ tenantId, userId: m.id, deals: moved.length }, "user removed");
    return { ...m, deals: moved.length, reassignedTo: heir?.email };
  });
}

/** Links a Slack user id or WhatsApp number to a person, so messages from it act as that person. */
export async function linkIdentity(
  deps: Deps,
  tenantId: string,
  who: string,
  channel: string,
  externalId: string,
) {
  const addr = email(who);
  const fmt = IDENTITY_FORMATS[channel as IdentityChannel];
  if (!fmt) throw new AppError("bad_input", `Unknown channel "${channel}"; link slack or whatsapp.`);
  const id = identityExternalId(channel, externalId);
  if (!fmt.re.test(id)) throw new AppError("bad_input", `"${externalId}" is not ${fmt.expected}.`);
  return deps.db.tenantTx(tenantId, async (tx) => {
    const m = await member(tx, addr);
    const [taken] = await tx
      .select({ userId: identities.userId, email: users.email })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(and(eq(identities.channel, channel), eq(identities.externalId, id)))
      .limit(1);
    if (taken && taken.userId !== m.id)
      throw new AppError(
        "conflict",
        `${channel} ${id} is already linked to ${taken.email}; unlink it there first.`,
      );
    if (!taken) await tx.insert(identities).values({ tenantId, userId: m.id, channel, externalId: id });
    return { email: addr, channel, externalId: id, changed: !taken };
  });
}

export async function unlinkIdentity(
  deps: Deps,
  tenantId: string,
  who: string,
  channel: string,
  externalId: string,
) {
  const addr = email(who);
  return deps.db.tenantTx(tenantId, async (tx) => {
    const m = await member(tx, addr);
    const gone = await tx
      .delete(identities)
      .where(
        and(
          eq(identities.userId, m.id),
          eq(identities.channel, channel),
          eq(identities.externalId, identityExternalId(channel, externalId)),
        ),
      )
      .returning({ id: identities.id });
    return { email: addr, removed: gone.length };
  });
}
