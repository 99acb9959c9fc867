import Stripe from "stripe";
import type { StripeEnv } from "../../infra/stripe/config.js";
import { paymentKey } from "./mapping.js";

/**
 * Reads from Stripe through the official client. Lists are walked with the client's auto-pagination
 * (`starting_after`, 100 a page); 429s with Stripe-Should-Retry, 409s and 5xx are retried by the
 * client (STRIPE_MAX_NETWORK_RETRIES, exponential backoff). Only GETs are made: nothing is written
 * to Stripe, so no idempotency keys are needed.
 */
export function stripeClient(cfg: StripeEnv, secretKey: string): Stripe {
  const url = new URL(cfg.STRIPE_API_URL);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: cfg.STRIPE_MAX_NETWORK_RETRIES,
    timeout: cfg.STRIPE_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: "Keel" },
  });
}

export interface Snapshot {
  customers: Stripe.Customer[];
  invoices: Stripe.Invoice[];
  payments: Stripe.InvoicePayment[];
  refunds: Stripe.Refund[];
}

const PAGE = { limit: 100 } as const;

async function all<T>(list: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of list) out.push(x);
  return out;
}

/** Everything the sync maps (initial or --full sync). */
export async function readAll(stripe: Stripe): Promise<Snapshot> {
  const customers = await all(stripe.customers.list(PAGE));
  const invoices = await all(stripe.invoices.list(PAGE));
  const payments = await all(stripe.invoicePayments.list({ ...PAGE, status: "paid" }));
  const refunds = await all(stripe.refunds.list(PAGE));
  return { customers, invoices, payments, refunds };
}

/** Event types that change what Keel holds. */
export const EVENT_TYPES = [
  "customer.created",
  "customer.updated",
  "invoice.finalized",
  "invoice.updated",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "invoice.overpaid",
  "invoice_payment.paid",
  "charge.refunded",
  "charge.refund.updated",
  "refund.created",
  "refund.updated",
  "refund.failed",
] as const;

export interface Touched {
  customers: Set<string>;
  invoices: Set<string>;
  /** PaymentIntents whose refunds changed: their invoice is looked up. */
  paymentIntents: Set<string>;
}

const idOf = (x: unknown): string | undefined =>
  typeof x === "string" ? x : x && typeof x === "object" && "id" in x ? String(x.id) : undefined;

/** Which remote objects a batch of events touched (the objects are then re-read, never trusted from the event). */
export function touchedBy(events: readonly Stripe.Event[]): Touched {
  const t: Touched = { customers: new Set(), invoices: new Set(), paymentIntents: new Set() };
  for (const e of events) {
    const o = e.data.object as unknown as Record<string, unknown>;
    const add = (set: Set<string>, v: unknown) => {
      const id = idOf(v);
      if (id) set.add(id);
    };
    if (e.type.startsWith("customer.") && o.object === "customer") add(t.customers, o.id);
    else if (o.object === "invoice") add(t.invoices, o.id);
    else if (o.object === "invoice_payment") add(t.invoices, o.invoice);
    else if (o.object === "charge" || o.object === "refund") add(t.paymentIntents, o.payment_intent);
  }
  return t;
}

/** Events since a unix time, oldest first (Stripe keeps 30 days of them). */
export async function readEvents(stripe: Stripe, since: number): Promise<Stripe.Event[]> {
  const events = await all(stripe.events.list({ ...PAGE, created: { gte: since }, types: [...EVENT_TYPES] }));
  return events.sort((a, b) => a.created - b.created);
}

/**
 * Re-reads what some events touched: each invoice with all its payments and their refunds (an
 * invoice is always mapped whole, so a refund arriving weeks later nets out correctly), and touched
 * customers. Deleted or missing objects are left out.
 */
export async function readTouched(stripe: Stripe, t: Touched): Promise<Snapshot> {
  const invoiceIds = new Set(t.invoices);
  for (const pi of t.paymentIntents)
    for (const p of await all(
      stripe.invoicePayments.list({ ...PAGE, payment: { type: "payment_intent", payment_intent: pi } }),
    )) {
      const inv = idOf(p.invoice);
      if (inv) invoiceIds.add(inv);
    }
  const snap: Snapshot = { customers: [], invoices: [], payments: [], refunds: [] };
  for (const id of invoiceIds) {
    const inv = await stripe.invoices.retrieve(id).catch(missingAsUndefined);
    if (!inv) continue;
    snap.invoices.push(inv);
    const pays = await all(stripe.invoicePayments.list({ ...PAGE, invoice: id }));
    snap.payments.push(...pays);
    for (const p of pays) {
      const pi = idOf(p.payment.payment_intent);
      const key = paymentKey(p);
      if (p.status !== "paid" || !key) continue;
      snap.refunds.push(
        ...(await all(stripe.refunds.list(pi ? { ...PAGE, payment_intent: pi } : { ...PAGE, charge: key }))),
      );
    }
  }
  for (const id of t.customers) {
    const c = await stripe.customers.retrieve(id).catch(missingAsUndefined);
    if (c && !("deleted" in c && c.deleted)) snap.customers.push(c as Stripe.Customer);
  }
  return snap;
}

function missingAsUndefined(e: unknown): undefined {
  if (e instanceof Stripe.errors.StripeError && e.statusCode === 404) return undefined;
  throw e;
}
