/**
 * "collections ranked by cash impact" / "chase the overdue invoices": the overdue invoices, biggest
 * cash impact first, each drafted as a reminder through the drafts feature's own `createDraft` — so the
 * one-pending-draft-per-invoice rule, the resend guard and the approval policy (four eyes) apply
 * exactly as for `remind INVOICE` — and shown as one batch in which every draft is approved, edited or
 * rejected on its own.
 */
import type { Deps } from "../../deps.js";
import type { Origin } from "../../intents/intent.js";
import { mapLimit } from "../../kernel/concurrency.js";
import { formatMoney, formatPct } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { Action, Reply, Section } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { calibrate, loadCalibrationHistory, loadStageRules } from "../cashflow/index.js";
import { createDraft, draftWriterFor } from "../drafts/index.js";
import { overdueInvoices } from "../invoices/index.js";
import { IMPACT_WINDOW_DAYS, rankByCashImpact } from "./rank.js";

/** Drafts one request writes at most (each needs a person's decision; more is a wall of cards). */
export const MAX_BATCH = 10;
/**
 * One draft at a time: the drafts repository numbers drafts per tenant with max(seq) + 1, so two
 * inserts in parallel transactions would collide (seen on Postgres; PGlite serialises anyway).
 */
const WRITE_CONCURRENCY = 1;

export async function chaseOverdue(
  deps: Deps,
  actor: Actor,
  origin: Origin,
  opts: { limit?: number } = {},
): Promise<Reply> {
  const now = deps.clock.now();
  const limit = Math.min(Math.max(1, opts.limit ?? MAX_BATCH), MAX_BATCH);
  const { rows, cal } = await deps.db.tenantTx(actor.tenantId, async (tx) => ({
    rows: await overdueInvoices(tx, now),
    cal: calibrate(await loadCalibrationHistory(tx), await loadStageRules(tx)),
  }));
  if (rows.length === 0) return { text: "No overdue invoices to chase. 🎉", meta: { count: 0, drafts: [] } };
  const ranked = rankByCashImpact(cal, rows);
  const batch = ranked.slice(0, limit);
  const writer = await draftWriterFor(deps, actor);
  const target = { channel: origin.channel, address: origin.conversationId, threadId: origin.threadId };
  // Each draft goes through createDraft by its invoice number: the same rules as `remind INVOICE`.
  const replies = await mapLimit(batch, WRITE_CONCURRENCY, (r) =>
    createDraft(deps, actor, r.number, target, writer, { via: origin.channel }),
  );
  const sections: Section[] = [];
  const actions: Action[] = [];
  const drafts: { invoice: string; draftSeq?: number; duplicate: boolean; impactMinor: number }[] = [];
  for (const [i, r] of batch.entries()) {
    const reply = replies[i]!;
    const m = (reply.meta ?? {}) as { draftSeq?: number; duplicateOf?: string };
    const seq = m.draftSeq;
    const dup = Boolean(m.duplicateOf);
    drafts.push({ invoice: r.number, draftSeq: seq, duplicate: dup, impactMinor: r.impactMinor });
    sections.push({
      title: `${i + 1}. ${r.number} ${r.customer} — ${formatMoney(r.impactMinor, r.currency)} at stake`,
      text: [
        `${formatMoney(r.outstandingMinor, r.currency)} outstanding, ${plural(r.daysOverdue, "day")} overdue; ${formatPct(r.pPaidSoon)} chance it comes in within ${IMPACT_WINDOW_DAYS} days unchased (${r.customerHistory ? `${plural(r.customerHistory, "paid invoice")} of theirs` : "the company's payment history"}).`,
        seq === undefined
          ? reply.text.split("\n")[0]!
          : dup
            ? `Draft #${seq} is already waiting for approval — no second one written.`
            : `Draft #${seq} written.`,
        // The resend guard's and the recipient's notes, as `remind` shows them.
        ...reply.text.split("\n").filter((l) => /^(?:Heads-up|No email address)/.test(l)),
      ].join("\n"),
    });
    if (seq !== undefined)
      for (const a of reply.actions ?? [])
        actions.push({ ...a, id: `${a.id}-${seq}`, label: `${a.label} #${seq}` });
  }
  const written = drafts.filter((d) => d.draftSeq !== undefined && !d.duplicate).length;
  const waiting = drafts.filter((d) => d.duplicate).length;
  const total = batch.reduce((s, r) => s + r.impactMinor, 0);
  const currency = batch[0]!.currency;
  const rest = ranked.length - batch.length;
  return {
    text:
      `${plural(batch.length, "overdue invoice")} to chase, biggest cash impact first (${formatMoney(total, currency)} that would otherwise not be in within ${IMPACT_WINDOW_DAYS} days): ` +
      `${plural(written, "reminder")} drafted${waiting ? `, ${waiting} already waiting` : ""}. Each is approved, edited or rejected on its own.` +
      (rest > 0 ? ` ${plural(rest, "smaller one")} left for the next batch.` : ""),
    sections,
    actions,
    sources: [
      {
        label: "Cash impact",
        detail: `outstanding × (1 − P(paid within ${IMPACT_WINDOW_DAYS} d | unpaid so far)), P from the customer's paid invoices mixed with the company's (weight n / (n + ${cal.prior.customer})) — the cash simulation's payment-delay model`,
      },
      { label: "Invoices", detail: "open invoices past due date minus payments received" },
    ],
    meta: { count: batch.length, ranked: ranked.length, drafts },
  };
}
