import { eq, inArray, or } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { memberships, tenants, users } from "../../infra/db/schema/index.js";
import type { Role } from "../../infra/db/schema/memberships.js";
import { type Actor, dataScope } from "../auth/index.js";
import {
  type ApprovalPolicy,
  type Approver,
  approvalPolicyFrom,
  type Decision,
  type DraftForApproval,
  decideApproval,
  mayStop,
  standingInFor,
} from "./approval-policy.js";
import { storedDraftPolicy } from "./policy.js";
import type { DraftRow } from "./repository.js";
import { isPending } from "./state.js";

/**
 * May this person see a draft at all (its subject, amount, text)? The data scope decides, as for every
 * list: an invoice reminder needs invoices; a deal follow-up needs that deal (a rep: their own deals,
 * or a draft they wrote). A draft that is not visible is not listed, counted or summed.
 */
export function draftVisibleTo(
  actor: Pick<Actor, "role" | "userId">,
): (d: Pick<DraftRow, "subjectType" | "subjectOwnerId" | "createdBy">) => boolean {
  const s = dataScope(actor);
  return (d) => {
    if (d.subjectType === "invoice") return s.invoices;
    if (s.deals === "all") return true;
    if (s.deals === "own") return d.subjectOwnerId === actor.userId || d.createdBy === actor.userId;
    return d.createdBy === actor.userId;
  };
}

/** The tenant's approval policy (settings over defaults). */
export async function loadApprovalPolicy(tx: Tx, tenantId: string): Promise<ApprovalPolicy> {
  const [t] = await tx.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId));
  return approvalPolicyFrom(t?.settings);
}

/** What the policy needs from a stored draft. */
export function forApproval(d: DraftRow): DraftForApproval {
  const p = storedDraftPolicy(d.policy);
  const amount = (d.policy as { amountMinor?: unknown }).amountMinor;
  return {
    subjectType: d.subjectType,
    subjectOwnerId: d.subjectOwnerId,
    createdBy: d.createdBy,
    amountMinor: typeof amount === "number" ? amount : null,
    modelWritten: Boolean(d.promptVersion && !d.promptVersion.startsWith("template")),
    terms: p?.findings.map((f) => f.rule) ?? [],
    requireRoles: p?.requireRoles ?? [],
    requireReason: p?.findings
      .filter((f) => f.rule === "discount" || f.rule === "amount")
      .map((f) => f.reason)
      .join(" and "),
  };
}

/** The away approvers `actor` stands in for now, with their roles. */
export async function delegatorsOf(
  tx: Tx,
  policy: ApprovalPolicy,
  actor: Actor,
  now: Date,
): Promise<Approver[]> {
  const refs = standingInFor(policy, actor, now);
  if (!refs.length) return [];
  const ids = refs.filter((r) => /^[0-9a-f-]{36}$/i.test(r));
  const emails = refs.filter((r) => r.includes("@")).map((r) => r.toLowerCase());
  const rows = await tx
    .select({ userId: users.id, email: users.email, role: memberships.role })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(
      or(
        ...(ids.length ? [inArray(users.id, ids)] : []),
        ...(emails.length ? [inArray(users.email, emails)] : []),
      ),
    );
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

export interface DraftAccess {
  approve: Decision;
  /** May reject (stop) it: role rules without content or four-eyes rules. */
  reject: boolean;
  /** May change the text: its author, or whoever may stop it. */
  edit: boolean;
}

/** Everything one person may do with one draft, from one channel. */
export function accessTo(
  policy: ApprovalPolicy,
  actor: Actor,
  delegators: readonly Approver[],
  d: DraftRow,
  channel: string,
): DraftAccess {
  if (!isPending(d.status))
    return { approve: { ok: false, reason: `it is ${d.status}` }, reject: false, edit: false };
  const draft = forApproval(d);
  const stop = mayStop(policy, actor, draft) || delegators.some((x) => mayStop(policy, x, draft));
  return {
    approve: decideApproval(policy, actor, draft, channel, delegators),
    reject: stop,
    edit: stop || (d.createdBy !== null && d.createdBy === actor.userId && actor.role !== "viewer"),
  };
}

/** Loads policy and delegations once, then answers `accessTo` for any number of drafts. */
export async function accessFor(
  tx: Tx,
  actor: Actor,
  channel: string,
  now: Date,
): Promise<(d: DraftRow) => DraftAccess> {
  const policy = await loadApprovalPolicy(tx, actor.tenantId);
  const delegators = await delegatorsOf(tx, policy, actor, now);
  return (d) => accessTo(policy, actor, delegators, d, channel);
}
