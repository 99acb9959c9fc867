import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/**
 * A local Stripe API speaking the real wire protocol, so tests drive the official `stripe` client:
 * Bearer secret keys, form-encoded parameters (`created[gte]`, `types[0]`, `payment[type]`), list
 * objects `{ object: "list", data, has_more, url }` newest first with `starting_after` pagination,
 * `{ error: { type, code, message } }` errors, 429 with `Stripe-Should-Retry`, and the Idempotency-Key
 * and Stripe-Version headers recorded. Objects are built from Stripe's own fixtures
 * (test/fixtures/stripe, from github.com/stripe/openapi) with the fields a test sets; money moves
 * (pay, refund, void, write-off) update the invoice like Stripe does and append the event Stripe sends.
 */
type Obj = Record<string, unknown> & { id: string; created: number };

export interface FakeStripeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  key?: string;
  stripeVersion?: string;
  idempotencyKey?: string;
}

export interface FakeStripeFailure {
  status: number;
  shouldRetry?: boolean;
  type?: string;
  code?: string;
  message?: string;
}

const FIXTURES = join(import.meta.dirname, "../fixtures/stripe");
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Record<string, unknown>;

const RESOURCES = ["customers", "invoices", "invoice_payments", "refunds", "events", "charges"] as const;
type Resource = (typeof RESOURCES)[number];

export class FakeStripeApi {
  readonly calls: FakeStripeCall[] = [];
  readonly keys = new Set<string>();
  private readonly data: Record<Resource, Obj[]> = {
    customers: [],
    invoices: [],
    invoice_payments: [],
    refunds: [],
    events: [],
    charges: [],
  };
  private readonly failures: { prefix: string; f: FakeStripeFailure }[] = [];
  private server?: Server;
  private seq = 0;
  /** Unix seconds of the next object (tests move it forward). */
  clock = Math.floor(Date.UTC(2026, 10, 2, 9) / 1000);
  base = "";

  constructor(key?: string) {
    if (key) this.keys.add(key);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next `times` requests whose path starts with `prefix` fail like this. */
  failNext(prefix: string, f: FakeStripeFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ prefix, f });
  }

  /** Events of one type, oldest first (what Stripe would have POSTed to a webhook endpoint). */
  eventsOf(type: string): Obj[] {
    return this.data.events.filter((e) => e.type === type);
  }

  callsTo(path: string): FakeStripeCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  private id(prefix: string): string {
    this.seq++;
    return `${prefix}_${this.seq.toString(36).padStart(6, "0")}Fk${"x".repeat(8)}`;
  }

  private tick(): number {
    return ++this.clock;
  }

  private put(kind: Resource, obj: Obj): Obj {
    const list = this.data[kind];
    const i = list.findIndex((o) => o.id === obj.id);
    if (i >= 0) list[i] = obj;
    else list.push(obj);
    return obj;
  }

  get(kind: Resource, id: string): Obj {
    const o = this.data[kind].find((x) => x.id === id);
    if (!o) throw new Error(`no ${kind} ${id}`);
    return o;
  }

  /** Appends the event Stripe would send for this object (a snapshot of it) and returns it. */
  emit(type: string, object: Obj): Obj {
    const e = {
      ...fixture("event"),
      id: this.id("evt"),
      type,
      created: this.tick(),
      api_version: "2026-10-28.endive",
      livemode: false,
      data: { object: structuredClone(object) },
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    } as Obj;
    return this.put("events", e);
  }

  customer(p: {
    name?: string | null;
    email?: string | null;
    phone?: string | null;
    business_name?: string;
  }): Obj {
    const c = {
      ...fixture("customer"),
      id: this.id("cus"),
      created: this.tick(),
      name: null,
      email: null,
      phone: null,
      discount: null,
      livemode: false,
      ...p,
    } as Obj;
    this.put("customers", c);
    this.emit("customer.created", c);
    return c;
  }

  updateCustomer(id: string, p: Record<string, unknown>): Obj {
    const c = Object.assign(this.get("customers", id), p);
    this.emit("customer.updated", c);
    return c;
  }

  /** A finalized (open) invoice; `draft: true` leaves it a draft without a number. */
  invoice(p: {
    customer: Obj;
    amount: number;
    currency?: string;
    dueInDays?: number | null;
    draft?: boolean;
    number?: string;
    customerName?: string | null;
  }): Obj {
    const created = this.tick();
    const inv = {
      ...fixture("invoice"),
      id: this.id("in"),
      object: "invoice",
      created,
      effective_at: p.draft ? null : created,
      customer: p.customer.id,
      customer_name: p.customerName === undefined ? p.customer.name : p.customerName,
      customer_email: p.customer.email ?? null,
      currency: p.currency ?? "usd",
      amount_due: p.amount,
      amount_paid: 0,
      amount_remaining: p.amount,
      amount_overpaid: 0,
      subtotal: p.amount,
      total: p.amount,
      collection_method: p.dueInDays === null ? "charge_automatically" : "send_invoice",
      due_date: p.dueInDays === null ? null : created + (p.dueInDays ?? 30) * 86_400,
      number: p.draft ? null : (p.number ?? `KEEL-${String(this.data.invoices.length + 1).padStart(4, "0")}`),
      status: p.draft ? "draft" : "open",
      status_transitions: {
        finalized_at: p.draft ? null : created,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
      last_finalization_error: null,
      livemode: false,
    } as Obj;
    this.put("invoices", inv);
    this.emit(p.draft ? "invoice.created" : "invoice.finalized", inv);
    return inv;
  }

  /** A successful payment of an invoice (PaymentIntent + Charge + InvoicePayment), as Stripe records it. */
  pay(invoiceId: string, amount?: number): { payment: Obj; paymentIntent: string; charge: string } {
    const inv = this.get("invoices", invoiceId);
    const amt = amount ?? (inv.amount_remaining as number);
    const at = this.tick();
    const pi = this.id("pi");
    const ch = this.put("charges", {
      ...fixture("charge"),
      id: this.id("ch"),
      created: at,
      amount: amt,
      amount_captured: amt,
      amount_refunded: 0,
      captured: true,
      refunded: false,
      currency: inv.currency,
      customer: inv.customer,
      payment_intent: pi,
      refunds: { object: "list", data: [], has_more: false, url: "/v1/refunds" },
    } as Obj);
    const payment = this.put("invoice_payments", {
      ...fixture("invoice_payment"),
      id: this.id("inpay"),
      created: at,
      amount_paid: amt,
      amount_requested: amt,
      currency: inv.currency,
      invoice: inv.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: pi },
      status: "paid",
      status_transitions: { canceled_at: null, paid_at: at },
    } as Obj);
    inv.amount_paid = (inv.amount_paid as number) + amt;
    inv.amount_remaining = Math.max(0, (inv.amount_due as number) - (inv.amount_paid as number));
    this.emit("invoice_payment.paid", payment);
    if (inv.amount_remaining === 0) {
      inv.status = "paid";
      (inv.status_transitions as Record<string, unknown>).paid_at = at;
      this.emit("invoice.paid", inv);
    } else this.emit("invoice.updated", inv);
    return { payment, paymentIntent: pi, charge: ch.id };
  }

  refund(paymentIntent: string, amount: number): Obj {
    const ch = this.data.charges.find((c) => c.payment_intent === paymentIntent);
    if (!ch) throw new Error(`no charge for ${paymentIntent}`);
    const r = this.put("refunds", {
      ...fixture("refund"),
      id: this.id("re"),
      created: this.tick(),
      amount,
      charge: ch.id,
      payment_intent: paymentIntent,
      currency: ch.currency,
      status: "succeeded",
      customer: ch.customer,
    } as Obj);
    ch.amount_refunded = (ch.amount_refunded as number) + amount;
    ch.refunded = ch.amount_refunded === ch.amount;
    this.emit("refund.created", r);
    this.emit("charge.refunded", ch);
    return r;
  }

  voidInvoice(id: string): Obj {
    const inv = this.get("invoices", id);
    inv.status = "void";
    (inv.status_transitions as Record<string, unknown>).voided_at = this.tick();
    this.emit("invoice.voided", inv);
    return inv;
  }

  markUncollectible(id: string): Obj {
    const inv = this.get("invoices", id);
    inv.status = "uncollectible";
    (inv.status_transitions as Record<string, unknown>).marked_uncollectible_at = this.tick();
    this.emit("invoice.marked_uncollectible", inv);
    return inv;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", "request-id": this.id("req"), ...headers });
    res.end(JSON.stringify(body));
  }

  private error(
    res: ServerResponse,
    status: number,
    e: { type: string; code?: string; message: string; param?: string },
    headers: Record<string, string> = {},
  ) {
    this.send(
      res,
      status,
      { error: { ...e, doc_url: e.code ? `https://stripe.com/docs/error-codes/${e.code}` : undefined } },
      headers,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) {
      // GET only; drain any body.
    }
    const url = new URL(req.url ?? "/", this.base);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const auth = req.headers.authorization ?? "";
    const key = auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    this.calls.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query,
      key,
      stripeVersion: req.headers["stripe-version"] as string | undefined,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
    });
    if (!key || !this.keys.has(key))
      return this.error(res, 401, {
        type: "invalid_request_error",
        message: `Invalid API Key provided: ${key ? `${key.slice(0, 8)}${"*".repeat(12)}${key.slice(-4)}` : "(none)"}`,
      });
    const fi = this.failures.findIndex((x) => url.pathname.startsWith(x.prefix));
    if (fi >= 0) {
      const { f } = this.failures.splice(fi, 1)[0]!;
      const headers: Record<string, string> = {};
      if (f.shouldRetry !== undefined) headers["stripe-should-retry"] = String(f.shouldRetry);
      return this.error(
        res,
        f.status,
        {
          type: f.type ?? (f.status === 429 ? "invalid_request_error" : "api_error"),
          code: f.code ?? (f.status === 429 ? "rate_limit" : undefined),
          message:
            f.message ??
            (f.status === 429 ? "Too many requests hit the API too quickly." : "An unknown error occurred"),
        },
        headers,
      );
    }
    if (req.method !== "GET")
      return this.error(res, 405, { type: "invalid_request_error", message: "Read-only stand-in." });
    const m = /^\/v1\/([a-z_]+)(?:\/([A-Za-z0-9_]+))?$/.exec(url.pathname);
    const kind = m?.[1] as Resource | undefined;
    if (!m || !kind || !RESOURCES.includes(kind))
      return this.error(res, 404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (GET: ${url.pathname}).`,
      });
    if (m[2]) {
      const o = this.data[kind].find((x) => x.id === m[2]);
      if (!o)
        return this.error(res, 404, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "id",
          message: `No such ${kind.replace(/s$/, "")}: '${m[2]}'`,
        });
      return this.send(res, 200, o);
    }
    return this.list(res, kind, url.pathname, query);
  }

  private list(res: ServerResponse, kind: Resource, path: string, q: Record<string, string>) {
    const limit = Math.min(100, Math.max(1, Number(q.limit ?? 10)));
    const types = Object.entries(q)
      .filter(([k]) => /^types\[\d*\]$/.test(k))
      .map(([, v]) => v);
    const num = (k: string) => (q[k] === undefined ? undefined : Number(q[k]));
    const gte = num("created[gte]");
    const gt = num("created[gt]");
    const lte = num("created[lte]");
    const lt = num("created[lt]");
    const createdEq = num("created");
    let rows = [...this.data[kind]].filter(
      (o) =>
        (gte === undefined || o.created >= gte) &&
        (gt === undefined || o.created > gt) &&
        (lte === undefined || o.created <= lte) &&
        (lt === undefined || o.created < lt) &&
        (createdEq === undefined || o.created === createdEq) &&
        (!types.length || types.includes(String(o.type))) &&
        (q.type === undefined || o.type === q.type) &&
        (q.status === undefined || o.status === q.status) &&
        (q.invoice === undefined || o.invoice === q.invoice) &&
        (q.customer === undefined || o.customer === q.customer) &&
        (q.charge === undefined || o.charge === q.charge) &&
        (q.payment_intent === undefined || o.payment_intent === q.payment_intent) &&
        (q["payment[payment_intent]"] === undefined ||
          (o.payment as Record<string, unknown> | undefined)?.payment_intent ===
            q["payment[payment_intent]"]),
    );
    // Newest first, like Stripe; insertion order breaks ties.
    rows = rows
      .map((o, i) => ({ o, i }))
      .sort((a, b) => b.o.created - a.o.created || b.i - a.i)
      .map((x) => x.o);
    let start = 0;
    if (q.starting_after) {
      const at = rows.findIndex((o) => o.id === q.starting_after);
      if (at < 0)
        return this.error(res, 400, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "starting_after",
          message: `No such object: '${q.starting_after}'`,
        });
      start = at + 1;
    }
    const page = rows.slice(start, start + limit);
    return this.send(res, 200, {
      object: "list",
      data: page,
      has_more: start + limit < rows.length,
      url: path,
    });
  }
}
