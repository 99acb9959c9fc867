import { eq, ilike } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { invoices } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { can, ownDealsOnly } from "../auth/index.js";
import { type DealRow, findDeal, recentNotes } from "../deals/index.js";
import { type OverdueInvoice, openInvoices } from "../invoices/index.js";
import { getTenant } from "../tenancy/index.js";
import { accessFor, loadApprovalPolicy } from "./access.js";
import { type DraftPolicyRules, draftPolicyRules, evaluateDraftPolicy } from "./policy.js";
import { type DraftTarget, type Recipient, recipientNote, resolveRecipient } from "./recipient.js";
import { draftReply } from "./reply.js";
import { type DraftRow, insertDraft, recordEvent } from "./repository.js";
import { ago, closedReason, lockSubject, pendingFor, quotedInternal, recentlySent } from "./rules.js";
import { customerDealFacts, dealFollowUpTemplate, invoiceReminderTemplate } from "./templates.js";

/** Produces a draft's text; issue-specific drafting (LLM) plugs in here, templates are the fallback. */
export type DraftWriter = (
  deps: Deps,
  input: {
    kind: "deal" | "invoice";
    /** The whole record: context for the writer. Only `fallback` is customer-safe by construction. */
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
  /** The user said so explicitly ("remind X anyway"): a closed deal or paid invoice may be drafted. */
  force?: boolean;
  /** Created by a job on the tenant's behalf: no author, so any allowed person may approve. */
  system?: boolean;
  /** Where the request came from (console, slack, whatsapp, http, job), for the audit trail. */
  via?: string;
}

const templateWriter: DraftWriter = async (_deps, input) => input.fallback;

type Subject =
  | { kind: "invoice"; inv: OverdueInvoice; status: string }
  | { kind: "deal"; deal: DealRow; internal: string[] };

type Found = { ok: true; subject: Subject } | { ok: false; reply: Reply };

const anyway = (label: string, id: string): Reply["actions"] => [
  { id: "anyway", label, intent: { kind: "draft.create", query: id, force: true } },
];

/** The subject a `remind …` names, applying the closed-subject rule. */
async function findSubject(tx: Tx, actor: Actor, now: Date, query: string, force: boolean): Promise<Found> {
  const full = query.trim();
  const { name: q, wants } = readRemindQuery(full);
  const mayInvoices = can(actor, "invoices.read");
  // Invoices only for roles that may see them; a rep's deal lookup covers only their own deals.
  const [inv] = mayInvoices
    ? await tx.select().from(invoices).where(ilike(invoices.number, full)).limit(1)
    : [];
  // "remind Acme about their invoice": the customer's open invoice, not a deal called "Acme about …".
  const theirs = async () =>
    (await openInvoices(tx)).filter((i) => i.customer.toLowerCase().includes(q.toLowerCase()));
  if (!inv && mayInvoices && wants === "invoice") {
    const list = await theirs();
    if (list.length === 1) return invoiceSubject(tx, now, list[0]!.id, force);
    if (list.length > 1)
      return {
        ok: false,
        reply: {
          text: `${list.length} open invoices for "${q}". Which one?`,
          actions: list.slice(0, 5).map((i, n) => ({
            id: `i${n}`,
            label: `${i.number} (${i.customer}, due ${i.dueOn})`,
            intent: { kind: "draft.create", query: i.number },
          })),
        },
      };
    return { ok: false, reply: { text: `I found no open invoice for "${q}".`, meta: { refused: "none" } } };
  }
  if (inv) return invoiceSubject(tx, now, inv.id, force);
  const { deal, candidates } = await findDeal(tx, now, q, ownDealsOnly(actor));
  // No deal by that name: a customer with exactly one open invoice is what "remind them" means.
  if (!deal && candidates.length === 0 && mayInvoices && wants !== "deal") {
    const list = await theirs();
    if (list.length === 1) return invoiceSubject(tx, now, list[0]!.id, force);
  }
  return dealSubject(tx, q, deal, candidates, force);
}

/**
 * What a `remind …` names, without the trailing words people add: "Acme about their invoice" →
 * Acme (an invoice), "the Fjord deal" → Fjord (a deal).
 */
export function readRemindQuery(query: string): { name: string; wants?: "invoice" | "deal" } {
  const t = query.trim().replace(/[?!.]+$/, "");
  const tail =
    /\s+(?:about|re|regarding|for|on|to pay)\s+(?:their|his|her|its|the|our|that|this|an?)?\s*(invoices?|bills?|payments?|balance|money|deal|proposal|quote|offer)\b.*$/i.exec(
      t,
    );
  const trailing = /\s+(invoices?|deal)$/i.exec(t);
  const hit = tail ?? trailing;
  const word = hit?.[1]?.toLowerCase() ?? "";
  const wants = /^(invoice|bill|payment|balance|money)/.test(word) ? "invoice" : word ? "deal" : undefined;
  const name = (hit ? t.slice(0, hit.index) : t).replace(/^the\s+/i, "").trim();
  return name ? { name, ...(wants ? { wants } : {}) } : { name: t };
}

async function invoiceSubject(tx: Tx, now: Date, invoiceId: string, force: boolean): Promise<Found> {
  const [inv] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).limit(1);
  if (!inv) return { ok: false, reply: { text: "That invoice no longer exists." } };
  {
    const open = (await openInvoices(tx)).find((i) => i.id === inv.id);
    const outstandingMinor = open?.outstandingMinor ?? 0;
    const closed = closedReason({
      type: "invoice",
      number: inv.number,
      status: inv.status,
      outstandingMinor,
    });
    if (closed && !force)
      return {
        ok: false,
        reply: { text: `No reminder drafted: ${closed}.`, meta: { refused: "closed", invoiceId: inv.id } },
      };
    const daysOverdue = Math.floor((now.getTime() - Date.parse(`${inv.dueOn}T00:00:00Z`)) / 86_400_000);
    return {
      ok: true,
      subject: {
        kind: "invoice",
        status: inv.status,
        inv: {
          id: inv.id,
          number: inv.number,
          customer: inv.customer,
          dueOn: inv.dueOn,
          amountMinor: inv.amountMinor,
          paidMinor: open?.paidMinor ?? inv.amountMinor,
          outstandingMinor,
          currency: inv.currency,
          daysOverdue,
          dealId: inv.dealId,
        },
      },
    };
  }
}

async function dealSubject(
  tx: Tx,
  q: string,
  deal: DealRow | undefined,
  candidates: DealRow[],
  force: boolean,
): Promise<Found> {
  const withNotes = async (d: DealRow): Promise<Found> => ({
    ok: true,
    subject: {
      kind: "deal",
      deal: d,
      internal: [d.nextStep, ...(await recentNotes(tx, d.id, 10)).map((n) => n.body)].filter(
        (x): x is string => Boolean(x),
      ),
    },
  });
  const refuseClosed = (d: DealRow): Found => ({
    ok: false,
    reply: {
      text: `No follow-up drafted: ${closedReason({ type: "deal", ...d })}. If you really want one, say "remind ${d.name} anyway".`,
      actions: anyway("Draft anyway", d.id),
      meta: { refused: "closed", dealId: d.id },
    },
  });
  if (deal) return deal.status === "open" || force ? withNotes(deal) : refuseClosed(deal);
  const open = candidates.filter((c) => c.status === "open");
  if (open.length === 1) return withNotes(open[0]!);
  if (open.length > 1)
    return {
      ok: false,
      reply: {
        text: `Several open deals match "${q}". Which one?`,
        actions: open
          .slice(0, 5)
          .map((c, i) => ({ id: `d${i}`, label: c.name, intent: { kind: "draft.create", query: c.id } })),
      },
    };
  if (candidates.length) return refuseClosed(candidates[0]!);
  return { ok: false, reply: { text: `I found no deal or invoice matching "${q}".` } };
}

/**
 * `remind X`: finds the subject (open deals first; closed ones only when the user insists), shows the
 * pending draft instead of writing a second one, writes customer-safe text (a text quoting an
 * internal note falls back to the template), addresses it through `resolveRecipient` and stores it
 * for approval. The duplicate check is repeated under a per-subject lock when inserting.
 */
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
  const pre = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    const found = await findSubject(tx, actor, now, query, opts.force === true);
    if (!found.ok) return found;
    const s = found.subject;
    const ref = {
      type: s.kind,
      id: s.kind === "invoice" ? s.inv.id : s.deal.id,
      kind: s.kind === "invoice" ? "reminder" : "followup",
    } as const;
    const pending = await pendingFor(tx, ref);
    if (pending)
      return { ok: false as const, reply: await duplicateReply(tx, actor, pending, now, opts.via) };
    const policy = await loadApprovalPolicy(tx, actor.tenantId);
    const sent = await recentlySent(tx, ref, now, policy.resendGuardHours);
    const recipient = await resolveRecipient(tx, deps.channels.has("email"), { kind: ref.type, id: ref.id });
    return { ok: true as const, s, ref, sent, recipient };
  });
  if (!pre.ok) return pre.reply;
  const { s, ref, sent, recipient } = pre;
  const finalTarget = recipient.kind === "customer" ? recipient.target : target;
  // The writer runs outside any transaction (a model may be slow).
  const fallback =
    s.kind === "invoice" ? invoiceReminderTemplate(s.inv) : dealFollowUpTemplate(customerDealFacts(s.deal));
  let written = await writer(deps, {
    kind: s.kind,
    subject: s.kind === "invoice" ? { ...s.inv } : { ...s.deal },
    fallback,
    target: finalTarget,
  });
  const leaked = s.kind === "deal" ? quotedInternal(`${written.subject}\n${written.body}`, s.internal) : null;
  if (leaked) {
    deps.logger.warn(
      { tenantId: actor.tenantId, promptVersion: written.promptVersion, leak: "internal_note" },
      "drafted text quoted an internal note; using the customer-safe template",
    );
    written = { ...fallback, promptVersion: "template" };
  }
  const rules = opts.policyRules ?? draftPolicyRules((await getTenant(deps.db, actor.tenantId))?.settings);
  const content = evaluateDraftPolicy(`${written.subject}\n${written.body}`, rules);
  const amountMinor = s.kind === "invoice" ? s.inv.outstandingMinor : s.deal.valueMinor;
  const currency = s.kind === "invoice" ? s.inv.currency : s.deal.currency;
  const out = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    await lockSubject(tx, ref.id);
    const pending = await pendingFor(tx, ref);
    if (pending) return { dup: await duplicateReply(tx, actor, pending, now, opts.via) };
    const d = await insertDraft(tx, {
      tenantId: actor.tenantId,
      kind: ref.kind,
      subjectType: ref.type,
      subjectId: ref.id,
      subjectOwnerId: s.kind === "deal" ? s.deal.ownerUserId : null,
      createdBy: opts.system ? null : actor.userId,
      target: finalTarget,
      subject: written.subject,
      body: written.body,
      promptVersion: written.promptVersion ?? "template",
      policy: {
        ...content,
        amountMinor,
        currency,
        ...(written.flags?.length ? { flags: written.flags } : {}),
      },
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
      opts.system ? null : actor.userId,
      {
        promptVersion: d.promptVersion,
        policy: content.findings,
        via: opts.via ?? "unknown",
        ...(opts.force ? { forced: true } : {}),
        ...(leaked ? { internalQuoteReplaced: true } : {}),
        recipient: recipient.kind,
      },
      now,
    );
    const access = await accessFor(tx, actor, opts.via ?? "console", now);
    return { d, access: opts.system ? undefined : access(d) };
  });
  if ("dup" in out) return out.dup!;
  deps.logger.info({ draftId: out.d.id, tenantId: actor.tenantId }, "draft created");
  const about = s.kind === "invoice" ? `invoice ${s.inv.number}` : s.deal.name;
  return draftReply(
    out.d,
    `Draft #${out.d.seq} — ${ref.kind === "reminder" ? "reminder" : "follow-up"} for ${about}. Approve to send it.`,
    {
      access: out.access,
      now,
      notes: notesFor(recipient, sent, now),
    },
  );
}

function notesFor(r: Recipient, sent: { seq: number; at: Date } | undefined, now: Date): string[] {
  const out: string[] = [];
  const n = recipientNote(r);
  if (n) out.push(n);
  if (sent)
    out.push(
      `Heads-up: draft #${sent.seq} about the same subject was sent ${ago(sent.at, now)} ago; approving will ask to confirm.`,
    );
  return out;
}

async function duplicateReply(tx: Tx, actor: Actor, d: DraftRow, now: Date, via?: string): Promise<Reply> {
  const access = (await accessFor(tx, actor, via ?? "console", now))(d);
  const r = draftReply(
    d,
    `Draft #${d.seq} for this is already waiting for approval (created ${ago(d.createdAt, now)} ago). No second draft was written — edit this one instead.`,
    { access, now },
  );
  // Editing is the first thing offered: that is what a second request usually means.
  const edit = r.actions?.find((a) => a.id === "edit");
  return {
    ...r,
    actions: edit ? [edit, ...(r.actions ?? []).filter((a) => a !== edit)] : r.actions,
    meta: { ...r.meta, duplicateOf: d.id },
  };
}
