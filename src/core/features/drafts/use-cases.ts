import type { Deps } from "../../deps.js";
import { AppError } from "../../kernel/errors.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { can, canApproveDraft, ownDealsOnly } from "../auth/index.js";
import { findDeal } from "../deals/index.js";
import { overdueInvoices } from "../invoices/index.js";
import { deliverDue, enqueue } from "../outbox/index.js";
import { getTenant } from "../tenancy/index.js";
import { type DraftPolicyRules, draftPolicyRules, evaluateDraftPolicy, storedDraftPolicy } from "./policy.js";
import {
  type DraftRow,
  draftHistory,
  getDraft,
  insertDraft,
  pendingDrafts,
  recordEvent,
  setStatus,
} from "./repository.js";
import { isPending, textDiff } from "./state.js";
import { dealFollowUpTemplate, invoiceReminderTemplate } from "./templates.js";

export interface DraftTarget {
  channel: string;
  address: string;
  threadId?: string;
}

/** Produces a draft's text; issue-specific drafting (LLM) plugs in here, templates are the fallback. */
export type DraftWriter = (
  deps: Deps,
  input: {
    kind: "deal" | "invoice";
    subject: Record<string, unknown>;
    fallback: { subject: string; body: string };
    /** Where the draft will go once approved (the writer may pick a channel-specific prompt). */
    target?: DraftTarget;
  },
) => Promise<{
  subject: string;
  body: string;
  promptVersion?: string;
  /** Output checks the text failed (a link, mention, contact or instruction): shown to the approver. */
  flags?: string[];
}>;

export interface CreateDraftOptions {
  /** Content approval rules; default: the tenant's settings (`draftPolicy`) over the defaults. */
  policyRules?: DraftPolicyRules;
  /** Chooses the delivery target from the subject (e.g. the deal contact's email); default: `target`. */
  targetFor?: (subject: { kind: "deal" | "invoice"; id: string }) => Promise<DraftTarget | null>;
}

const templateWriter: DraftWriter = async (_deps, input) => input.fallback;

function draftActions(d: Pick<DraftRow, "id">): Reply["actions"] {
  return [
    { id: "approve", label: "Approve", style: "primary", intent: { kind: "draft.approve", draftRef: d.id } },
    { id: "edit", label: "Edit", intent: { kind: "draft.edit", draftRef: d.id } },
    { id: "reject", label: "Reject", style: "danger", intent: { kind: "draft.reject", draftRef: d.id } },
  ];
}

export function draftReply(d: DraftRow, headline: string): Reply {
  const policy = storedDraftPolicy(d.policy);
  const flags = Array.isArray(d.policy?.flags) ? (d.policy.flags as unknown[]).map(String) : [];
  return {
    text: `${flags.length ? "FLAGGED — check before approving. " : ""}${headline}\n\n${d.subject ? `*Subject:* ${d.subject}\n` : ""}${d.body}`,
    fields: [
      { label: "Draft", value: `#${d.seq}` },
      { label: "Status", value: d.status },
      { label: "Goes to", value: `${d.target.channel} ${d.target.address}` },
      ...(flags.length ? [{ label: "Flagged", value: flags.join("; ") }] : []),
      ...(policy?.requireRoles.length
        ? [
            {
              label: "Needs approval by",
              value: `${policy.requireRoles.join(" or ")} (${policy.findings.map((f) => f.reason).join(", ")})`,
            },
          ]
        : []),
    ],
    actions: isPending(d.status) ? draftActions(d) : [],
    meta: { draftId: d.id, draftSeq: d.seq, status: d.status, ...(flags.length ? { flagged: flags } : {}) },
  };
}

export async function createDraft(
  deps: Deps,
  actor: Actor,
  query: string,
  target: DraftTarget,
  writer: DraftWriter = templateWriter,
  opts: CreateDraftOptions = {},
): Promise<Reply> {
  if (!can(actor, "draft.create")) throw new AppError("forbidden", `A ${actor.role} cannot create drafts.`);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.app.draftExpiryHours * 3_600_000);
  // Gather the subject first (read-only), write text outside any transaction (an LLM may be slow).
  const subject = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    // Invoices only for roles that may see them; a rep's deal lookup covers only their own deals.
    const inv = !can(actor, "invoices.read")
      ? undefined
      : (await overdueInvoices(tx, now)).find((i) => i.number.toLowerCase() === query.trim().toLowerCase());
    if (inv) return { kind: "invoice" as const, inv };
    const { deal, candidates } = await findDeal(tx, now, query, ownDealsOnly(actor));
    return { kind: "deal" as const, deal, candidates };
  });
  if (subject.kind === "deal" && !subject.deal) {
    if (subject.candidates.length === 0)
      return { text: `I found no deal or overdue invoice matching "${query}".` };
    return {
      text: `Several deals match "${query}". Which one?`,
      actions: subject.candidates
        .slice(0, 5)
        .map((c, i) => ({ id: `d${i}`, label: c.name, intent: { kind: "draft.create", query: c.id } })),
    };
  }
  const subjectRef = {
    kind: subject.kind,
    id: subject.kind === "invoice" ? subject.inv.id : subject.deal!.id,
  };
  const finalTarget = (await opts.targetFor?.(subjectRef)) ?? target;
  const written =
    subject.kind === "invoice"
      ? await writer(deps, {
          kind: "invoice",
          subject: { ...subject.inv },
          fallback: invoiceReminderTemplate(subject.inv),
          target: finalTarget,
        })
      : await writer(deps, {
          kind: "deal",
          subject: { ...subject.deal! },
          fallback: dealFollowUpTemplate(subject.deal!),
          target: finalTarget,
        });
  const rules = opts.policyRules ?? draftPolicyRules((await getTenant(deps.db, actor.tenantId))?.settings);
  const policy = evaluateDraftPolicy(`${written.subject}\n${written.body}`, rules);
  const row = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await insertDraft(tx, {
      tenantId: actor.tenantId,
      kind: subject.kind === "invoice" ? "reminder" : "followup",
      subjectType: subject.kind,
      subjectId: subject.kind === "invoice" ? subject.inv.id : subject.deal!.id,
      subjectOwnerId: subject.kind === "deal" ? subject.deal!.ownerUserId : null,
      createdBy: actor.userId,
      target: finalTarget,
      subject: written.subject,
      body: written.body,
      promptVersion: written.promptVersion ?? "template",
      policy: { ...policy, ...(written.flags?.length ? { flags: written.flags } : {}) },
      expiresAt,
      createdAt: now,
      updatedAt: now,
    });
    await recordEvent(
      tx,
      d,
      "drafted",
      null,
      "drafted",
      actor.userId,
      { promptVersion: d.promptVersion, policy: policy.findings },
      now,
    );
    return d;
  });
  deps.logger.info({ draftId: row.id, tenantId: actor.tenantId }, "draft created");
  const about = subject.kind === "invoice" ? `invoice ${subject.inv.number}` : subject.deal!.name;
  return draftReply(row, `Draft #${row.seq} — follow-up for ${bold(about)}. Approve to send it.`);
}

export interface DecisionOutcome {
  reply: Reply;
  enqueued: boolean;
}

/**
 * Approves a draft: row-locked so concurrent approvals serialise; the first moves it to approved →
 * scheduled and enqueues one outbox row (dedupe key = draft id); later ones see it decided.
 */
export async function approveDraft(deps: Deps, actor: Actor, ref: string): Promise<DecisionOutcome> {
  const now = deps.clock.now();
  const out = await deps.db.tenantTx(actor.tenantId, async (tx): Promise<DecisionOutcome> => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { reply: { text: `No draft ${ref}.` }, enqueued: false };
    if (!isPending(d.status)) {
      return {
        reply: {
          text: `Draft #${d.seq} is already ${d.status}${d.decidedAt ? ` (${d.decidedAt.toISOString().slice(0, 16).replace("T", " ")} UTC)` : ""}.`,
          meta: { draftId: d.id, status: d.status },
        },
        enqueued: false,
      };
    }
    if (d.expiresAt && d.expiresAt <= now) {
      await setStatus(tx, d.id, "expired", {}, now);
      await recordEvent(tx, d, "expired", d.status, "expired", null, {}, now);
      return {
        reply: {
          text: `Draft #${d.seq} expired on ${d.expiresAt.toISOString().slice(0, 10)}; create a new one with \`remind\`.`,
        },
        enqueued: false,
      };
    }
    const allowed = canApproveDraft(actor, d);
    if (!allowed.ok) {
      await recordEvent(
        tx,
        d,
        "approve_refused",
        d.status,
        d.status,
        actor.userId,
        { reason: allowed.reason },
        now,
      );
      return {
        reply: {
          text: `You can't approve draft #${d.seq}: ${allowed.reason}`,
          ephemeral: true,
          outcome: { kind: "refused" },
          meta: { draftId: d.id },
        },
        enqueued: false,
      };
    }
    await setStatus(tx, d.id, "approved", { decidedBy: actor.userId, decidedAt: now }, now);
    await recordEvent(tx, d, "approved", d.status, "approved", actor.userId, {}, now);
    const enqueued = await enqueue(
      tx,
      {
        tenantId: d.tenantId,
        dedupeKey: `draft:${d.id}`,
        draftId: d.id,
        target: d.target,
        payload: {
          text: d.subject ? `${bold(d.subject)}\n\n${d.body}` : d.body,
          meta: { draftId: d.id, subject: d.subject },
        },
      },
      now,
    );
    await setStatus(tx, d.id, "scheduled", {}, now);
    await recordEvent(tx, d, "scheduled", "approved", "scheduled", actor.userId, {}, now);
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

export async function rejectDraft(deps: Deps, actor: Actor, ref: string, reason?: string): Promise<Reply> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { text: `No draft ${ref}.` };
    if (!isPending(d.status)) return { text: `Draft #${d.seq} is already ${d.status}.` };
    // Content rules restrict who may send, not who may stop a message: role rules alone apply here.
    const allowed = canApproveDraft(actor, { ...d, policy: null });
    if (!allowed.ok)
      return {
        text: `You can't reject draft #${d.seq}: ${allowed.reason}`,
        ephemeral: true,
        outcome: { kind: "refused" },
      };
    await setStatus(tx, d.id, "rejected", { decidedBy: actor.userId, decidedAt: now }, now);
    await recordEvent(tx, d, "rejected", d.status, "rejected", actor.userId, reason ? { reason } : {}, now);
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
): Promise<Reply> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref, true);
    if (!d) return { text: `No draft ${ref}.` };
    if (!isPending(d.status))
      return { text: `Draft #${d.seq} is already ${d.status} and can no longer be edited.` };
    if (d.createdBy !== actor.userId && !canApproveDraft(actor, { ...d, policy: null }).ok)
      return { text: `You can't edit draft #${d.seq}.`, ephemeral: true, outcome: { kind: "refused" } };
    if (!body?.trim())
      return {
        text: `Send the new text for draft #${d.seq}:\n\n${d.body}`,
        outcome: { kind: "awaiting-edit", draftId: d.id, currentBody: d.body },
        meta: { draftId: d.id },
      };
    // An edit can add a discount or an amount: the content rules are evaluated again on the new text.
    const policy = evaluateDraftPolicy(
      `${d.subject ?? ""}\n${body}`,
      storedDraftPolicy(d.policy)?.rules ?? draftPolicyRules(undefined),
    );
    await setStatus(tx, d.id, "edited", { body, policy: { ...policy } }, now);
    await recordEvent(
      tx,
      d,
      "edited",
      d.status,
      "edited",
      actor.userId,
      { diff: textDiff(d.body, body), before: d.body, policy: policy.findings },
      now,
    );
    return draftReply({ ...d, body, status: "edited", policy: { ...policy } }, `Draft #${d.seq} updated.`);
  });
}

export async function listDraftsReply(deps: Deps, actor: Actor): Promise<Reply> {
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) => pendingDrafts(tx));
  if (rows.length === 0) return { text: "No drafts waiting for approval." };
  return {
    text: `${rows.length} drafts waiting for approval:`,
    sections: [
      {
        text: rows
          .map(
            (d) =>
              `• #${d.seq} ${d.subject ?? d.kind} (${d.status}, expires ${d.expiresAt?.toISOString().slice(0, 10) ?? "never"})`,
          )
          .join("\n"),
      },
    ],
    meta: { draftIds: rows.map((d) => d.id) },
  };
}

export async function draftHistoryReply(deps: Deps, actor: Actor, ref: string): Promise<Reply> {
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref);
    if (!d) return { text: `No draft ${ref}.` };
    const events = (await draftHistory(tx, d.id)).map((r) => ({ ...r.event, actorName: r.actorName }));
    return {
      text: `History of draft #${d.seq} (${d.status}):`,
      sections: [
        {
          text: events
            .map(
              (e) =>
                `• ${e.at.toISOString().slice(0, 16).replace("T", " ")} ${e.event}${e.actorName ? ` by ${e.actorName}` : ""}${typeof e.detail.reason === "string" ? ` — ${e.detail.reason}` : ""}${e.fromStatus && e.fromStatus !== e.toStatus ? ` (${e.fromStatus} → ${e.toStatus})` : ""}`,
            )
            .join("\n"),
        },
      ],
      meta: {
        draftId: d.id,
        events: events.map((e) => ({
          event: e.event,
          from: e.fromStatus,
          to: e.toStatus,
          actor: e.actorUserId,
          actorName: e.actorName,
          at: e.at.toISOString(),
          detail: e.detail,
        })),
      },
    };
  });
}
