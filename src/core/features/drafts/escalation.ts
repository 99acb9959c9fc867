import { and, eq, inArray, lte } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { draftEvents, drafts, identities, memberships, users } from "../../infra/db/schema/index.js";
import type { Role } from "../../infra/db/schema/memberships.js";
import type { Actor } from "../auth/index.js";
import { enqueue } from "../outbox/index.js";
import { accessTo, delegatorsOf, loadApprovalPolicy } from "./access.js";
import { draftReply } from "./reply.js";
import type { DraftRow } from "./repository.js";
import { recordEvent } from "./repository.js";
import { ago } from "./rules.js";

/** Who is asked next: the lowest role that may decide goes first, so owners are the last resort. */
const RANK: Record<Role, number> = { rep: 0, finance: 1, manager: 2, owner: 3, viewer: 9 };
/** Channels an escalation can reach a person on directly, in order of preference. */
const DIRECT = ["slack", "whatsapp", "console"];

interface Candidate extends Actor {
  channel: string;
  address: string;
}

async function candidates(tx: Tx, tenantId: string): Promise<Candidate[]> {
  const rows = await tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      channel: identities.channel,
      address: identities.externalId,
    })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .innerJoin(identities, eq(identities.userId, users.id))
    .where(inArray(identities.channel, DIRECT));
  return rows.map((r) => ({ ...r, role: r.role as Role, tenantId }));
}

/**
 * The next approver for a waiting draft: someone other than its author whom the policy lets approve
 * it (their own rights or standing in for someone away), on a channel Keel can deliver to, not away
 * themselves. Null when nobody qualifies.
 */
async function nextApprover(deps: Deps, tx: Tx, d: DraftRow, now: Date): Promise<Candidate | null> {
  const policy = await loadApprovalPolicy(tx, d.tenantId);
  const away = new Set(
    policy.delegations.filter((x) => Date.parse(x.until) > now.getTime()).map((x) => x.from.toLowerCase()),
  );
  const list = (await candidates(tx, d.tenantId))
    .filter((c) => deps.channels.has(c.channel) && c.userId !== d.createdBy)
    .filter((c) => !away.has(c.userId) && !away.has(c.email.toLowerCase()))
    .sort((a, b) => RANK[a.role] - RANK[b.role] || DIRECT.indexOf(a.channel) - DIRECT.indexOf(b.channel));
  for (const c of list) {
    const a = accessTo(policy, c, await delegatorsOf(tx, policy, c, now), d, c.channel);
    if (a.approve.ok) return c;
  }
  return null;
}

/**
 * Drafts waiting longer than the policy's `escalateAfterHours` are sent, once, to the next approver's
 * direct chat with the actions that person may take. "Once" holds across replicas and retries: the
 * draft row is locked, an `escalated` event is checked, and the outbox dedupes on the draft id.
 */
export async function escalateWaitingDrafts(deps: Deps, tenantId: string): Promise<number> {
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const policy = await loadApprovalPolicy(tx, tenantId);
    const before = new Date(now.getTime() - policy.escalateAfterHours * 3_600_000);
    const waiting = await tx
      .select()
      .from(drafts)
      .where(and(inArray(drafts.status, ["drafted", "edited"]), lte(drafts.createdAt, before)))
      .for("update", { skipLocked: true });
    let n = 0;
    for (const d of waiting) {
      if (d.expiresAt && d.expiresAt <= now) continue;
      const [done] = await tx
        .select({ n: draftEvents.n })
        .from(draftEvents)
        .where(and(eq(draftEvents.draftId, d.id), eq(draftEvents.event, "escalated")))
        .limit(1);
      if (done) continue;
      const to = await nextApprover(deps, tx, d, now);
      if (!to) {
        await recordEvent(
          tx,
          d,
          "escalated",
          d.status,
          d.status,
          null,
          { to: null, reason: "no other approver", via: "job" },
          now,
        );
        continue;
      }
      const access = accessTo(policy, to, await delegatorsOf(tx, policy, to, now), d, to.channel);
      const reply = draftReply(
        d,
        `Draft #${d.seq} has waited ${ago(d.createdAt, now)} for approval; you are the next approver.`,
        { access, now },
      );
      await enqueue(
        tx,
        {
          tenantId,
          dedupeKey: `escalate:${d.id}`,
          target: { channel: to.channel, address: to.address },
          payload: { ...reply, meta: { ...reply.meta, kind: "draft.escalation" } },
        },
        now,
      );
      await recordEvent(
        tx,
        d,
        "escalated",
        d.status,
        d.status,
        null,
        { to: to.userId, toName: to.name, via: "job" },
        now,
      );
      n++;
    }
    return n;
  });
}
