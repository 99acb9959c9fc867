import { asc, eq, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { invoices, payments } from "../../infra/db/schema/index.js";
import { daysBetween, formatMoney, isoDate } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";

export interface OpenInvoice {
  id: string;
  number: string;
  customer: string;
  dueOn: string;
  amountMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  currency: string;
  dealId: string | null;
}

/** An open invoice that is past due. */
export interface OverdueInvoice extends OpenInvoice {
  daysOverdue: number;
}

/**
 * What has been paid of each invoice (payments summed per invoice), as a subquery to left-join on
 * invoices: `amount − coalesce(paid, 0)` is what is still outstanding.
 */
export function paidPerInvoice(tx: Tx) {
  return tx
    .select({ invoiceId: payments.invoiceId, paid: sql<string>`sum(${payments.amountMinor})`.as("paid") })
    .from(payments)
    .groupBy(payments.invoiceId)
    .as("paid");
}

/** Open invoices with money still outstanding (amount minus payments), oldest due first. */
export async function openInvoices(tx: Tx): Promise<OpenInvoice[]> {
  const paid = paidPerInvoice(tx);
  const rows = await tx
    .select({
      id: invoices.id,
      number: invoices.number,
      customer: invoices.customer,
      dueOn: invoices.dueOn,
      amountMinor: invoices.amountMinor,
      currency: invoices.currency,
      dealId: invoices.dealId,
      paid: paid.paid,
    })
    .from(invoices)
    .leftJoin(paid, eq(paid.invoiceId, invoices.id))
    .where(eq(invoices.status, "open"))
    .orderBy(asc(invoices.dueOn));
  return rows
    .map(({ paid: p, ...r }) => ({
      ...r,
      paidMinor: Number(p ?? 0),
      outstandingMinor: r.amountMinor - Number(p ?? 0),
    }))
    .filter((r) => r.outstandingMinor > 0);
}

export async function overdueInvoices(tx: Tx, now: Date): Promise<OverdueInvoice[]> {
  const today = isoDate(now);
  return (await openInvoices(tx))
    .filter((r) => r.dueOn < today)
    .map((r) => ({ ...r, daysOverdue: daysBetween(new Date(`${r.dueOn}T00:00:00Z`), now) }));
}

export async function findInvoiceByNumber(tx: Tx, number: string) {
  const [row] = await tx.select().from(invoices).where(eq(invoices.number, number)).limit(1);
  return row;
}

export async function overdueInvoicesReply(deps: Deps, actor: Actor): Promise<Reply> {
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) => overdueInvoices(tx, deps.clock.now()));
  if (rows.length === 0) return { text: "No overdue invoices. 🎉", meta: { count: 0 } };
  const currency = rows[0]!.currency;
  const total = rows.reduce((s, r) => s + r.outstandingMinor, 0);
  return {
    text: `${rows.length} overdue invoices, ${formatMoney(total, currency)} outstanding.`,
    sections: [
      {
        text: rows
          .map(
            (r) =>
              `• ${bold(r.number)} ${r.customer} — ${formatMoney(r.outstandingMinor, r.currency)} · due ${r.dueOn} · ${plural(r.daysOverdue, "day")} overdue`,
          )
          .join("\n"),
      },
    ],
    sources: [{ label: "Invoices", detail: "open invoices past due date minus payments received" }],
    meta: { count: rows.length, totalMinor: total, invoiceNumbers: rows.map((r) => r.number) },
  };
}
