import { and, eq, ilike, or } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { identities, memberships, ROLES, users } from "../../infra/db/schema/index.js";
import type { Reply } from "../../ports/reply.js";
import { type Actor, can, type Role } from "../auth/index.js";

/** "<@U123|sam>" (Slack mention), "+1555…", an email or a name → the channel id / query to look up. */
export function userQuery(raw: string): { externalId?: string; text: string } {
  const mention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(raw.trim());
  if (mention) return { externalId: mention[1], text: raw };
  if (/^\+\d{6,15}$/.test(raw.trim())) return { externalId: raw.trim(), text: raw };
  return { text: raw.trim() };
}

/** `settings role USER ROLE`: owners assign roles (unknown chat users start as viewers). */
export async function setRoleReply(
  deps: Deps,
  actor: Actor,
  channel: string,
  who: string,
  role: string,
): Promise<Reply> {
  if (!can(actor, "settings.manage"))
    return { text: "Only an owner can assign roles.", ephemeral: true, outcome: { kind: "refused" } };
  if (!(ROLES as readonly string[]).includes(role))
    return { text: `Unknown role "${role}". Roles: ${ROLES.join(", ")}.`, ephemeral: true };
  const q = userQuery(who);
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const matches = q.externalId
      ? await tx
          .select({ id: users.id, name: users.name, email: users.email })
          .from(identities)
          .innerJoin(users, eq(users.id, identities.userId))
          .where(
            and(
              eq(identities.externalId, q.externalId),
              eq(identities.channel, q.externalId.startsWith("+") ? "whatsapp" : channel),
            ),
          )
      : await tx
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(or(eq(users.email, q.text.toLowerCase()), ilike(users.name, `%${q.text}%`)));
    if (matches.length === 0) return { text: `I found no user matching "${who}".`, ephemeral: true };
    if (matches.length > 1)
      return {
        text: `Several users match "${who}": ${matches.map((m) => m.email).join(", ")}. Use the email.`,
        ephemeral: true,
      };
    const target = matches[0]!;
    if (target.id === actor.userId && role !== "owner") {
      const owners = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(eq(memberships.role, "owner"));
      if (owners.length <= 1)
        return { text: "You are the only owner; assign another owner first.", ephemeral: true };
    }
    await tx
      .update(memberships)
      .set({ role: role as Role })
      .where(eq(memberships.userId, target.id));
    deps.logger.info(
      { tenantId: actor.tenantId, userId: target.id, role, by: actor.userId },
      "role assigned",
    );
    return {
      text: `${target.name} (${target.email}) is now ${role === "owner" ? "an" : "a"} ${role}.`,
      outcome: { kind: "decided", decision: "assigned", by: actor.name },
      meta: { userId: target.id, role },
    };
  });
}
