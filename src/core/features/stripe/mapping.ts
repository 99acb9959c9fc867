import type Stripe from "stripe";
import { asImportAmount, toKeelMinor } from "./money.js";

/**
 * Stripe objects → rows of Keel's import files (the same columns `keel import` reads), so a sync
 * goes through the one upsert and validation path. Pure: no I/O, dates in the tenant's time zone.
 *
 * The data model has invoices and payments (≥ 0) but no refund rows, so a refund is a payment
 * reversal that also lowers what the invoice asks for: invoice amount = amount_due − refunded,
 * payment = amount_paid − refunded. A refunded invoice therefore stays settled (not a receivable
 * again) and collections count only the money kept. A fully refunded invoice, a void one and an
 * uncollectible (written-off) one become `void`: nothing is expected from them, and the cash engine
 * skips void invoices and their payments.
 */
export type ContactRow = {
  external_id: string;
  name: string;
  company: string;
  email: string;
  phone: string;
};

export type InvoiceRow = {
  external_id: string;
  number: string;
  customer: string;
  issued_on: string;
  due_on: string;
  amount: string;
  currency: string;
  /** "open" = not void (Keel derives paid from the payments); "void" when nothing is expected any more. */
  status: "open" | "void";
};

export type PaymentRow = {
  external_id: string;
  invoice_number: string;
  paid_on: string;
  amount: string;
  overpayment: "yes" | "no";
};

export interface Skip {
  id: string;
  reason: string;
}

export interface Mapped {
  invoice?: InvoiceRow;
  payments: PaymentRow[];
  skip?: Skip;
}

const idOf = (x: string | { id: string } | null | undefined) => (typeof x === "string" ? x : x?.id);

/** A unix time → YYYY-MM-DD in the tenant's zone. */
export function dayIn(timezone: string, unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  try {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(d);
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

export function mapCustomer(c: Stripe.Customer | Stripe.DeletedCustomer): ContactRow | null {
  if ("deleted" in c && c.deleted) return null;
  const cu = c as Stripe.Customer;
  return {
    external_id: cu.id,
    name: cut(cu.name || cu.individual_name || cu.business_name || cu.email || cu.id, 200),
    company: cut(cu.business_name ?? "", 200),
    email: cu.email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(cu.email) ? cu.email : "",
    phone: cut(cu.phone ?? "", 40),
  };
}

/** The key a refund names its payment by: the PaymentIntent, else the Charge. */
export function paymentKey(p: Stripe.InvoicePayment): string | undefined {
  return idOf(p.payment.payment_intent) ?? idOf(p.payment.charge);
}

/** Succeeded and pending refunds count (pending ones have left the balance already). */
function refundedFor(key: string | undefined, refunds: readonly Stripe.Refund[]): number {
  if (!key) return 0;
  return refunds
    .filter(
      (r) =>
        (r.status === "succeeded" || r.status === "pending") &&
        (idOf(r.payment_intent) === key || idOf(r.charge) === key),
    )
    .reduce((a, r) => a + r.amount, 0);
}

export interface InvoiceContext {
  timezone: string;
  /** Customer names from the synced contacts, for invoices without customer_name. */
  customerName(id: string | undefined): string | undefined;
}

/**
 * One invoice with its payments and their refunds → an invoice row and payment rows, or why it was
 * skipped (drafts have no number yet; a zero invoice asks for nothing).
 */
export function mapInvoice(
  inv: Stripe.Invoice,
  payments: readonly Stripe.InvoicePayment[],
  refunds: readonly Stripe.Refund[],
  ctx: InvoiceContext,
): Mapped {
  if (inv.status === "draft" || !inv.number)
    return { payments: [], skip: { id: inv.id ?? "?", reason: "draft (not issued yet)" } };
  if (inv.amount_due <= 0) return { payments: [], skip: { id: inv.id!, reason: "nothing due (amount 0)" } };
  const cur = inv.currency.toUpperCase();
  const paid = payments.filter((p) => p.status === "paid" && idOf(p.invoice) === inv.id);
  let refundedTotal = 0;
  const kept: { p: Stripe.InvoicePayment; net: number }[] = [];
  for (const p of paid) {
    const gross = p.amount_paid ?? 0;
    const refunded = Math.min(gross, refundedFor(paymentKey(p), refunds));
    refundedTotal += refunded;
    kept.push({ p, net: gross - refunded });
  }
  const net = inv.amount_due - refundedTotal;
  const written = inv.status === "void" || inv.status === "uncollectible" || net <= 0;
  const issuedAt = inv.status_transitions?.finalized_at ?? inv.effective_at ?? inv.created;
  const issued = dayIn(ctx.timezone, issuedAt);
  const dueDay = inv.due_date ? dayIn(ctx.timezone, inv.due_date) : issued;
  const customerId = idOf(inv.customer as string | { id: string } | null);
  const amountMinor = toKeelMinor(written && net <= 0 ? inv.amount_due : net, cur);
  const invoice: InvoiceRow = {
    external_id: inv.id!,
    number: cut(inv.number, 60),
    customer: cut(
      inv.customer_name ||
        ctx.customerName(customerId) ||
        inv.customer_email ||
        customerId ||
        "Stripe customer",
      200,
    ),
    issued_on: issued,
    due_on: dueDay < issued ? issued : dueDay,
    amount: asImportAmount(amountMinor),
    currency: cur,
    status: written ? "void" : "open",
  };
  const sumNet = kept.reduce((a, k) => a + toKeelMinor(k.net, cur), 0);
  const rows = kept
    .filter((k) => k.net > 0)
    .map<PaymentRow>((k) => ({
      external_id: k.p.id,
      invoice_number: invoice.number,
      paid_on: dayIn(ctx.timezone, k.p.status_transitions.paid_at ?? k.p.created),
      amount: asImportAmount(toKeelMinor(k.net, cur)),
      overpayment: sumNet > amountMinor ? "yes" : "no",
    }));
  return { invoice, payments: rows };
}
