import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLinks } from "../../../src/core/features/connectors/index.js";
import { syncStripe } from "../../../src/core/features/stripe/index.js";
import { createHttpApp } from "../../../src/http/app.js";
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from "../../../src/http/stripe-webhook.js";
import { KEY, type StripeHarness, stripeHarness, t0, WHSEC } from "./harness.js";

/**
 * Signed webhook deliveries through the hono app: the event body is what the local Stripe recorded,
 * the Stripe-Signature header is made by the official library's test helper, exactly as Stripe signs.
 */
describe("Stripe webhooks at /connectors/stripe/webhook", () => {
  let h: StripeHarness;
  let app: ReturnType<typeof createHttpApp>;
  const signer = new Stripe(KEY).webhooks;
  const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
    signer.generateTestHeaderString({
      payload,
      secret: opts.secret ?? WHSEC,
      timestamp: opts.timestamp ?? Math.floor(h.clock.now().getTime() / 1000),
    });
  const post = (body: string, headers: Record<string, string>, key: string | null = h.webhookKey) =>
    app.request(`${STRIPE_WEBHOOK_PATH}${key === null ? "" : `?key=${encodeURIComponent(key)}`}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
  /** The last event the local Stripe emitted of this type, as Stripe would POST it. */
  const lastEvent = (type: string) => {
    const e = [...h.fake.eventsOf(type)].pop();
    if (!e) throw new Error(`no ${type} event`);
    return JSON.stringify(e, null, 2);
  };
  const logged = (msg: string) => h.logs.filter((l) => l.includes(msg)).length;

  beforeAll(async () => {
    h = await stripeHarness({ slug: "webhooks" });
    app = createHttpApp(h.d, [(a) => a.route("/", stripeWebhookRoutes(h.d))]);
    const c = h.fake.customer({ name: "Bay Freight", email: "ap@bay.example" });
    h.fake.invoice({ customer: c, amount: 40_000, dueInDays: 30 });
    await syncStripe(h.d, h.tenantId);
    h.fake.clock = t0 + 5;
  });
  afterAll(() => h.close());

  it("applies a correctly signed invoice.finalized event", async () => {
    const c = h.fake.customer({ name: "Dock Nine", email: "pay@dock9.example" });
    const inv = h.fake.invoice({ customer: c, amount: 72_500, dueInDays: 14 });
    const body = lastEvent("invoice.finalized");
    const res = await post(body, { "stripe-signature": sign(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(await h.invoice(inv.id)).toMatchObject({
      amountMinor: 72_500,
      customer: "Dock Nine",
      status: "open",
    });
  });

  it("applies a payment and a refund delivered as events", async () => {
    const c = h.fake.customer({ name: "Pier Two", email: "pay@pier2.example" });
    const inv = h.fake.invoice({ customer: c, amount: 10_000, dueInDays: 7 });
    const { paymentIntent } = h.fake.pay(inv.id);
    for (const type of ["invoice.finalized", "invoice_payment.paid"]) {
      const body = lastEvent(type);
      expect((await post(body, { "stripe-signature": sign(body) })).status).toBe(200);
    }
    const row = await h.invoice(inv.id);
    expect(row?.status).toBe("paid");
    h.fake.refund(paymentIntent, 2_500);
    const body = lastEvent("charge.refunded");
    expect((await post(body, { "stripe-signature": sign(body) })).status).toBe(200);
    expect(await h.invoice(inv.id)).toMatchObject({ amountMinor: 7_500, status: "paid" });
    expect((await h.paymentsOf(row!.id)).map((p) => p.amountMinor)).toEqual([7_500]);
  });

  it("refuses a replayed event id without touching Stripe or the data", async () => {
    const body = lastEvent("invoice.finalized");
    const calls = h.fake.calls.length;
    // A fresh, valid signature: replay protection is by event id, not only by timestamp.
    const res = await post(body, { "stripe-signature": sign(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: true });
    expect(h.fake.calls.length).toBe(calls);
    expect(logged("replayed event ignored")).toBeGreaterThan(0);
    const id = (JSON.parse(body) as { id: string }).id;
    const links = await h.d.db.tenantTx(h.tenantId, (tx) => loadLinks(tx, "stripe", "event", [id]));
    expect(links.get(id)?.data).toMatchObject({ status: "done", type: "invoice.finalized" });
  });

  const refused: [string, () => Promise<Response>, number, string][] = [];
  const forged = () => {
    const c = h.fake.customer({ name: "Forged Ltd" });
    h.fake.invoice({ customer: c, amount: 99_999_00, dueInDays: 1 });
    return lastEvent("invoice.finalized");
  };
  refused.push(
    [
      "a signature made with another secret",
      async () => {
        const b = forged();
        return post(b, { "stripe-signature": sign(b, { secret: "whsec_SomeoneElsesSecret123" }) });
      },
      400,
      "bad_signature",
    ],
    [
      "a stale timestamp (301 s old)",
      async () => {
        const b = forged();
        return post(b, {
          "stripe-signature": sign(b, { timestamp: Math.floor(h.clock.now().getTime() / 1000) - 301 }),
        });
      },
      400,
      "bad_signature",
    ],
    [
      "a timestamp from the future beyond the tolerance",
      async () => {
        const b = forged();
        return post(b, {
          "stripe-signature": sign(b, { timestamp: Math.floor(h.clock.now().getTime() / 1000) + 400 }),
        });
      },
      400,
      "bad_signature",
    ],
    [
      "a body changed after signing",
      async () => {
        const b = forged();
        return post(b.replace("9999900", "1"), { "stripe-signature": sign(b) });
      },
      400,
      "bad_signature",
    ],
    ["no Stripe-Signature header", async () => post(forged(), {}), 400, "no_signature"],
    [
      "a garbage Stripe-Signature header",
      async () => post(forged(), { "stripe-signature": "t=abc,v1=zz" }),
      400,
      "bad_signature",
    ],
    [
      "an empty Stripe-Signature header",
      async () => post(forged(), { "stripe-signature": "" }),
      400,
      "no_signature",
    ],
    [
      "a v0 (test-mode legacy) scheme only",
      async () => {
        const b = forged();
        return post(b, { "stripe-signature": sign(b).replace("v1=", "v0=") });
      },
      400,
      "bad_signature",
    ],
    [
      "an unknown endpoint key",
      async () => {
        const b = forged();
        return post(b, { "stripe-signature": sign(b) }, "AAAAAAAAAAAAAAAAAAAAAAAA");
      },
      400,
      "unknown_endpoint",
    ],
    [
      "no endpoint key",
      async () => {
        const b = forged();
        return post(b, { "stripe-signature": sign(b) }, null);
      },
      400,
      "unknown_endpoint",
    ],
    [
      "an SQL-looking endpoint key",
      async () => {
        const b = forged();
        return post(b, { "stripe-signature": sign(b) }, "' or 1=1 --");
      },
      400,
      "unknown_endpoint",
    ],
    [
      "a correctly signed body that is not JSON",
      async () => {
        const b = "this is not json {";
        return post(b, { "stripe-signature": sign(b) });
      },
      400,
      "bad_signature",
    ],
    [
      "a body over 256 KiB",
      async () => {
        const b = JSON.stringify({ id: "evt_big", padding: "x".repeat(300 * 1024) });
        return post(b, { "stripe-signature": sign(b) });
      },
      413,
      "too_large",
    ],
  );

  it.each(refused)(
    "refuses %s with a 4xx and a log line, and writes nothing",
    async (_what, send, status, error) => {
      const count = await h.d.db.tenantTx(
        h.tenantId,
        async (tx) =>
          (await tx.execute(
            (
              await import("drizzle-orm")
            ).sql`select count(*)::int as n from invoices`,
          )) as unknown,
      );
      const warnings = logged("stripe webhook refused");
      const res = await send();
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toBe(error);
      expect(logged("stripe webhook refused")).toBe(warnings + 1);
      const after = await h.d.db.tenantTx(
        h.tenantId,
        async (tx) =>
          (await tx.execute(
            (
              await import("drizzle-orm")
            ).sql`select count(*)::int as n from invoices`,
          )) as unknown,
      );
      expect(after).toEqual(count);
    },
  );

  it("acknowledges events Keel does not use without reading Stripe", async () => {
    const body = JSON.stringify({
      id: "evt_plan_1",
      object: "event",
      type: "plan.created",
      created: t0,
      data: { object: { id: "price_1", object: "plan" } },
    });
    const calls = h.fake.calls.length;
    const res = await post(body, { "stripe-signature": sign(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, ignored: true });
    expect(h.fake.calls.length).toBe(calls);
  });

  it("answers 5xx (so Stripe retries) when Stripe cannot be read, and applies the retry", async () => {
    const c = h.fake.customer({ name: "Slow Co" });
    const inv = h.fake.invoice({ customer: c, amount: 5_000, dueInDays: 10 });
    const body = lastEvent("invoice.finalized");
    h.fake.failNext("/v1/invoices", { status: 500, shouldRetry: false }, 1);
    const first = await post(body, { "stripe-signature": sign(body) });
    expect(first.status).toBe(500);
    expect(await h.invoice(inv.id)).toBeUndefined();
    const retry = await post(body, { "stripe-signature": sign(body) });
    expect(retry.status).toBe(200);
    expect((await h.invoice(inv.id))?.amountMinor).toBe(5_000);
  });

  it("never logs the signing secret or the key", () => {
    const logs = h.logs.join("\n");
    expect(logs).toContain("stripe webhook event");
    for (const s of [KEY, KEY.slice(-12), WHSEC, WHSEC.slice(-12)]) expect(logs).not.toContain(s);
  });
});
