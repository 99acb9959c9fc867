import type { Deps } from "../core/deps.js";
import type { Actor } from "../core/features/auth/index.js";
import { quietNotBefore } from "../core/features/digest/index.js";
import { createDraft, subjectsWithRecentDrafts } from "../core/features/drafts/index.js";
import { type AlertTarget, enqueue, teamAlertTarget } from "../core/features/outbox/index.js";
import { defaultActor } from "../core/features/tenancy/index.js";

/** Drafts per tenant per sweep: a handful to approve, not a flood. */
export const MAX_SWEEP_DRAFTS = 3;
/** A subject that had a draft in this many days (any outcome) is not drafted again. */
export const SWEEP_QUIET_DAYS = 7;

export interface SweepSubject {
  id: string;
  /** What `createDraft` looks up (deal id, invoice number). */
  query: string;
  headline: string;
}

/**
 * Drafts reminders for the subjects (stuck deals, overdue invoices) through the same `createDraft`
 * as chat — so the same draft rules and the one recipient lookup (`resolveRecipient`) apply: the
 * customer's email when on file, else the approvers' chat with a "no address on file" note — and
 * posts each draft,
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
    const reply = await createDraft(deps, owner, s.query, team, undefined, { system: true, via: "job" });
    const draftId = reply.meta?.draftId;
    // Refused (closed subject) or already pending: nothing new to post.
    if (typeof draftId !== "string" || reply.meta?.duplicateOf) continue;
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
