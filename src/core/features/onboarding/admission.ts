import { and, eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { idempotencyKeys, identities, memberships, users } from "../../infra/db/schema/index.js";
import { bold, code, escapeMarkdown } from "../../kernel/markdown/index.js";
import { type Reply, textReply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { actorForIdentity, ensureIdentityUser, getTenant } from "../tenancy/index.js";

/**
 * A chat account nobody added writes to Keel: it gets no membership and sees no data. It is told who
 * can add it; the owners get one notice (per account, ever) with "add as rep / viewer" buttons.
 */
export interface Stranger {
  channel: "slack" | "whatsapp";
  externalId: string;
  name: string;
  email?: string;
}

export interface AdmissionRequest {
  /** What the stranger is told. */
  text: string;
  /** First contact only: the notice for the owners and their accounts on this channel. */
  ownerNotice?: { reply: Reply; ownerAccounts: string[] };
}

export async function requestAdmission(
  deps: Deps,
  tenantId: string,
  who: Stranger,
): Promise<AdmissionRequest> {
  const tenant = await getTenant(deps.db, tenantId);
  const { owners, first } = await deps.db.tenantTx(tenantId, async (tx) => {
    const owners = await tx
      .select({
        name: users.name,
        email: users.email,
        account: identities.externalId,
        channel: identities.channel,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(identities, and(eq(identities.userId, users.id), eq(identities.channel, who.channel)))
      .where(eq(memberships.role, "owner"));
    const fresh = await tx
      .insert(idempotencyKeys)
      .values({ tenantId, key: `admission:${who.channel}:${who.externalId}`, scope: "onboarding.admission" })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return { owners, first: fresh.length > 0 };
  });
  const ownerName = owners[0]?.name ?? "the owner";
  const company = tenant?.name ?? "this company";
  const text =
    `Hi ${escapeMarkdown(who.name)}! You are not a member of Keel for ${escapeMarkdown(company)} yet, so I can't show you anything. ` +
    `${escapeMarkdown(ownerName)} (owner) can add you${first ? " — I've let them know you asked" : ""}.`;
  deps.logger.info({ tenantId, channel: who.channel, first }, "unknown chat user asked to be added");
  if (!first) return { text };
  const accounts = [...new Set(owners.map((o) => o.account).filter((a): a is string => Boolean(a)))];
  const mail = who.email ? ` (${escapeMarkdown(who.email)})` : "";
  const base = {
    channel: who.channel,
    externalId: who.externalId,
    name: who.name.slice(0, 120),
    email: who.email,
  };
  const hint = `keel users add ${who.email ?? "EMAIL"} --role rep --tenant ${tenant?.slug ?? "SLUG"}`;
  const reply = textReply(
    `${bold(who.name)}${mail} wrote to Keel but is not a member of ${escapeMarkdown(company)}. ` +
      `Add them? Until you do they see nothing. (Or on the server: ${code(hint)} and link their account.)`,
    {
      actions: [
        {
          id: "admit-rep",
          label: "Add as rep",
          style: "primary",
          intent: { kind: "member.admit", ...base, role: "rep" },
        },
        {
          id: "admit-viewer",
          label: "Add as viewer",
          intent: { kind: "member.admit", ...base, role: "viewer" },
        },
      ],
    },
  );
  return { text, ownerNotice: { reply, ownerAccounts: accounts } };
}

/** "Add as rep/viewer": the account becomes a user of the owner's tenant with that role. */
export async function admitMember(
  deps: Deps,
  owner: Actor,
  a: { channel: string; externalId: string; name: string; email?: string; role: Actor["role"] },
): Promise<Reply> {
  const existing = await actorForIdentity(deps.db, owner.tenantId, a.channel, a.externalId);
  if (existing) return textReply(`${escapeMarkdown(existing.name)} is already a member (${existing.role}).`);
  const email = a.email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.email) ? a.email : undefined;
  const actor = await ensureIdentityUser(deps.db, owner.tenantId, a.channel, a.externalId, {
    name: a.name,
    email,
    role: a.role,
  });
  deps.logger.info({ tenantId: owner.tenantId, role: actor.role }, "chat user admitted");
  return textReply(`Added ${escapeMarkdown(actor.name)} as ${actor.role}. They can talk to Keel now.`, {
    outcome: { kind: "decided", decision: "assigned", by: owner.name },
  });
}
