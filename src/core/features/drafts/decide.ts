import type { Deps } from "../../deps.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { deliverDue, enqueue } from "../outbox/index.js";
import { accessFor, accessTo, delegatorsOf, loadApprovalPolicy } from "./access.js";
import { draftPolicyRules, evaluateDraftPolicy, storedDraftPolicy } from "./policy.js";
import { draftReply } from "./reply.js";
import { getDraft, recordEvent, setStatus } from "./repository.js";
import { ago, recentlySent } from "./rules.js";
import { isPending, textDiff } from "./state.js";

export interface DecideOptions {
  /** The channel the decision comes from (policy may restrict it; shown in the history). */
  via?: string;
  /** The person confirmed sending although the subject got a message recently. */
  confirm?: boolean;
}

export interface DecisionOutcome {
  reply: Reply;
  enqueued: boolean;
}

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

/**
 * Approves a draft: row-locked so concurrent approvals serialise; the approval policy decides (role,
 * amount, channel, four eyes, delegation); a subject messaged within the resend guard asks for a
 * confirmation first; the first approval moves it to approved → scheduled and enqueues one outbox row
 * (dedupe key = draft id); later ones see it decided.
 */
export async function approveDraft(
  deps: Deps,
  actor: Actor,
  ref: string,
  o: DecideOptions = {},
): Promise<DecisionOutcome> {
  const now = deps.clock.now();
  const via = o.via ?? "console";
  const out = await deps.db.tenantTx(actor.tenantId, async (tx): Promise<DecisionOutcome> => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { reply: { text: `No draft ${ref}.` }, enqueued: false };
    if (!isPending(d.status))
      return {
        reply: {
          text: `Draft #${d.seq} is already ${d.status}${d.decidedAt ? ` (${stamp(d.decidedAt)} UTC)` : ""}.`,
          meta: { draftId: d.id, status: d.status },
        },
        enqueued: false,
      };
    if (d.expiresAt && d.expiresAt <= now) {
      await setStatus(tx, d.id, "expired", {}, now);
      await recordEvent(tx, d, "expired", d.status, "expired", null, { via }, now);
      return {
        reply: {
          text: `Draft #${d.seq} is already expired (since ${stamp(d.expiresAt)} UTC); nothing was sent. Create a new one with "remind".`,
          meta: { draftId: d.id, status: "expired" },
        },
        enqueued: false,
      };
    }
    const policy = await loadApprovalPolicy(tx, actor.tenantId);
    const access = accessTo(policy, actor, await delegatorsOf(tx, policy, actor, now), d, via);
    if (!access.approve.ok) {
      await recordEvent(
        tx,
        d,
        "approve_refused",
        d.status,
        d.status,
        actor.userId,
        { reason: access.approve.reason, via },
        now,
      );
      return {
        reply: {
          text: `You can't approve draft #${d.seq}: ${access.approve.reason}`,
          ephemeral: true,
          outcome: { kind: "refused" },
          meta: { draftId: d.id },
        },
        enqueued: false,
      };
    }
    if (!o.confirm && d.subjectId && d.subjectType !== "none") {
      const sent = await recentlySent(
        tx,
        { type: d.subjectType, id: d.subjectId },
        now,
        policy.resendGuardHours,
        d.id,
      );
      if (sent)
        return {
          reply: {
            text: `Draft #${sent.seq} about the same subject was ${sent.status === "sent" ? "sent" : "approved"} ${ago(sent.at, now)} ago. Send draft #${d.seq} as well?`,
            actions: [
              {
                id: "confirm",
                label: "Send anyway",
                style: "primary",
                intent: { kind: "draft.approve", draftRef: d.id, confirm: true },
              },
              ...(access.reject
                ? [
                    {
                      id: "reject",
                      label: "Reject",
                      style: "danger" as const,
                      intent: { kind: "draft.reject" as const, draftRef: d.id },
                    },
                  ]
                : []),
            ],
            meta: { draftId: d.id, confirmResend: sent.seq },
          },
          enqueued: false,
        };
    }
    const delegated = access.approve.delegatedBy;
    await setStatus(tx, d.id, "approved", { decidedBy: actor.userId, decidedAt: now }, now);
    await recordEvent(
      tx,
      d,
      "approved",
      d.status,
      "approved",
      actor.userId,
      {
        via,
        ...(delegated ? { onBehalfOf: delegated } : {}),
        ...(o.confirm ? { confirmedResend: true } : {}),
      },
      now,
    );
    const enqueued = await enqueue(
      tx,
      {
        tenantId: d.tenantId,
        dedupeKey: `draft:${d.id}`,
        draftId: d.id,
        target: d.target,
        payload: {
          text: d.subject ? `${bold(d.subject)}\n\n${d.body}` : d.body,
          ...(d.subject ? { subject: d.subject } : {}),
          meta: { draftId: d.id },
        },
      },
      now,
    );
    await setStatus(tx, d.id, "scheduled", {}, now);
    await recordEvent(tx, d, "scheduled", "approved", "scheduled", actor.userId, { via }, now);
    return {
      reply: {
        text: `Approved draft #${d.seq} by ${actor.name}. Sending to ${d.target.channel} ${d.target.address}.`,
        outcome: { kind: "decided", decision: "approved", by: actor.name },
        meta: { draftId: d.id, status: "scheduled", decidedAt: now.toISOString() },
      },
      enqueued,
    };
  });
  if (out.enqueued) {
    const report = await deliverDue(deps, deps.channels, actor.tenantId);
    const sent = report.results.find((r) => r.status === "sent");
    out.reply.meta = { ...out.reply.meta, delivery: report.results };
    if (sent) out.reply.text += " Delivered.";
    else if (report.results.length) out.reply.text += " Delivery will be retried.";
  }
  return out;
}

export async function rejectDraft(
  deps: Deps,
  actor: Actor,
  ref: string,
  reason?: string,
  o: DecideOptions = {},
): Promise<Reply> {
  const now = deps.clock.now();
  const via = o.via ?? "console";
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { text: `No draft ${ref}.` };
    if (!isPending(d.status))
      return { text: `Draft #${d.seq} is already ${d.status}.`, meta: { draftId: d.id, status: d.status } };
    // Content and four-eyes rules restrict who may send, not who may stop a message.
    if (!(await accessFor(tx, actor, via, now))(d).reject)
      return {
        text: `You can't reject draft #${d.seq}: your role (${actor.role}) may not decide on it.`,
        ephemeral: true,
        outcome: { kind: "refused" },
      };
    await setStatus(tx, d.id, "rejected", { decidedBy: actor.userId, decidedAt: now }, now);
    await recordEvent(
      tx,
      d,
      "rejected",
      d.status,
      "rejected",
      actor.userId,
      { via, ...(reason ? { reason } : {}) },
      now,
    );
    return {
      text: `Rejected draft #${d.seq}. Nothing was sent.`,
      outcome: { kind: "decided", decision: "rejected", by: actor.name },
      meta: { draftId: d.id, status: "rejected" },
    };
  });
}

export async function editDraft(
  deps: Deps,
  actor: Actor,
  ref: string,
  body: string | undefined,
  o: DecideOptions = {},
): Promise<Reply> {
  const now = deps.clock.now();
  const via = o.via ?? "console";
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { text: `No draft ${ref}.` };
    if (!isPending(d.status))
      return { text: `Draft #${d.seq} is already ${d.status} and can no longer be edited.` };
    const access = (await accessFor(tx, actor, via, now))(d);
    if (!access.edit)
      return { text: `You can't edit draft #${d.seq}.`, ephemeral: true, outcome: { kind: "refused" } };
    if (!body?.trim())
      return {
        text: `Send the new text for draft #${d.seq}:\n\n${d.body}`,
        outcome: { kind: "awaiting-edit", draftId: d.id, currentBody: d.body },
        meta: { draftId: d.id },
      };
    // An edit can add a discount or an amount: the content rules are evaluated again on the new text.
    const prev = storedDraftPolicy(d.policy);
    const content = evaluateDraftPolicy(
      `${d.subject ?? ""}\n${body}`,
      prev?.rules ?? draftPolicyRules(undefined),
    );
    const policy = { ...(d.policy as Record<string, unknown>), ...content };
    await setStatus(tx, d.id, "edited", { body, policy }, now);
    await recordEvent(
      tx,
      d,
      "edited",
      d.status,
      "edited",
      actor.userId,
      { diff: textDiff(d.body, body), before: d.body, policy: content.findings, via },
      now,
    );
    const next = { ...d, body, status: "edited" as const, policy };
    return draftReply(next, `Draft #${d.seq} updated.`, {
      access: (await accessFor(tx, actor, via, now))(next),
      now,
    });
  });
}
