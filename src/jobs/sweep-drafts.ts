import { eq, sql } from "drizzle-orm";
import type { Deps } from "../core/deps.js";
import type { Actor } from "../core/features/auth/index.js";
import { quietNotBefore } from "../core/features/digest/index.js";
import { createDraft, type DraftTarget, subjectsWithRecentDrafts } from "../core/features/drafts/index.js";
import { type AlertTarget, enqueue, teamAlertTarget } from "../core/features/outbox/index.js";
import { defaultActor } from "../core/features/tenancy/index.js";
import { contacts, deals, invoices } from "../core/infra/db/schema/index.js";

/** Drafts per tenant per sweep: a handful to approve, not a flood. */
export const MAX_SWEEP_DRAFTS = 3;
/** A subject that had a draft in this many days (any outcome) is not drafted again. */
export const SWEEP_QUIET_DAYS = 7;

/** Where an approved reminder goes: the customer's email when an email channel is configured. */
async function customerEmail(
  deps: Deps,
  tenantId: string,
  subject: { kind: "deal" | "invoice"; id: string },
): Promise<DraftTarget | null> {
  if (!deps.channels.has("email")) return null;
  const email = await deps.db.tenantTx(tenantId, async (tx) => {
    if (subject.kind === "deal") {
      const [r] = await tx
        .select({ email: contacts.email })
        .from(deals)
        .innerJoin(contacts, eq(contacts.id, deals.contactId))
        .where(eq(deals.id, subject.id));
      return r?.email ?? null;
    }
    const [r] = await tx
      .select({ email: contacts.email })
      .from(invoices)
      .leftJoin(deals, eq(deals.id, invoices.dealId))
      .innerJoin(contacts, eq(contacts.id, sql`coalesce(${invoices.contactId}, ${deals.contactId})`))
      .where(eq(invoices.id, subject.id));
    return r?.email ?? null;
  });
  return email ? { channel: "email", address: email } : null;
}

export interface SweepSubject {
  id: string;
  /** What `createDraft` looks up (deal id, invoice number). */
  query: string;
  headline: string;
}

/**
 * Drafts reminders for the subjects (stuck deals, overdue invoices) — addressed to the customer's
 * email when an email channel is configured, else to the approvers' chat — and posts each draft,
 * with its approve / edit / reject actions, to the approvers' chat. Nothing goes to a customer here: the
 * draft is only sent after an allowed person approves it.
 */
export async function sweepDrafts(
  deps: Deps,
  tenantId: string,
  kind: "stuck" | "overdue",
  subjects: readonly SweepSubject[],
  now: Date,
): Promise<number> {
  if (!subjects.length) return 0;
  let owner: Actor;
  try {
    owner = await defaultActor(deps.db, tenantId);
  } catch {
    return 0;
  }
  const team: AlertTarget | null = await teamAlertTarget(deps, tenantId);
  if (!team) return 0;
  const recent = await deps.db.tenantTx(tenantId, (tx) =>
    subjectsWithRecentDrafts(
      tx,
      subjects.map((s) => s.id),
      new Date(now.getTime() - SWEEP_QUIET_DAYS * 86_400_000),
    ),
  );
  const notBefore = await quietNotBefore(deps, tenantId, team, now);
  let n = 0;
  for (const s of subjects.filter((x) => !recent.has(x.id)).slice(0, MAX_SWEEP_DRAFTS)) {
    const reply = await createDraft(deps, owner, s.query, team, undefined, {
      targetFor: (subject) => customerEmail(deps, tenantId, subject),
    });
    const draftId = reply.meta?.draftId;
    if (typeof draftId !== "string") continue;
    const payload = {
      ...reply,
      text: `${s.headline}\n\n${reply.text}`,
      meta: { ...reply.meta, kind: `sweep.${kind}` },
    };
    await deps.db.tenantTx(tenantId, (tx) =>
      enqueue(tx, { tenantId, dedupeKey: `sweep:${kind}:${draftId}`, target: team, payload, notBefore }, now),
    );
    n++;
  }
  return n;
}
