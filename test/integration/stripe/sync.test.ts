import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAccount } from "../../../src/core/features/connectors/index.js";
import { connectStripe, syncStripe } from "../../../src/core/features/stripe/index.js";
import { contacts, invoices } from "../../../src/core/infra/db/schema/index.js";
import { formatMoney } from "../../../src/core/kernel/format.js";
import { DAY, KEY, type StripeHarness, stripeHarness, t0, WHSEC } from "./harness.js";

const zero = { created: 0, updated: 0, unchanged: expect.any(Number) };

describe("Stripe sync through the official client against a local Stripe", () => {
  let h: StripeHarness;
  const ids: Record<string, string> = {};
  let paidPi = "";

  beforeAll(async () => {
    h = await stripeHarness();
    const f = h.fake;
    const acme = f.customer({ name: "Acme Logistics", email: "ap@acme.example", phone: "+1 555 0100" });
    const north = f.customer({
      name: null,
      email: "billing@northwind.example",
      business_name: "Northwind GmbH",
    });
    f.customer({ name: "Quiet Prospect", email: "not-an-email" });
    ids.acme = acme.id;
    ids.north = north.id;
    ids.overdue = f.invoice({ customer: acme, amount: 125_000, dueInDays: 30 }).id;
    const paid = f.invoice({ customer: acme, amount: 80_000, dueInDays: 14 });
    ids.paid = paid.id;
    paidPi = f.pay(paid.id).paymentIntent;
    ids.partial = f.invoice({ customer: north, amount: 200_000, dueInDays: 14, customerName: null }).id;
    f.pay(ids.partial, 50_000);
    ids.draft = f.invoice({ customer: acme, amount: 9_900, draft: true }).id;
    ids.future = f.invoice({ customer: north, amount: 60_000, dueInDays: 90, customerName: null }).id;
    ids.void = f.invoice({ customer: acme, amount: 30_000, dueInDays: 30 }).id;
    f.voidInvoice(ids.void);
    ids.writtenOff = f.invoice({ customer: north, amount: 45_000, dueInDays: 7, customerName: null }).id;
    f.markUncollectible(ids.writtenOff);
  });
  afterAll(() => h.close());

  it("a first sync reads everything and maps customers, invoices and payments", async () => {
    const r = await syncStripe(h.d, h.tenantId);
    expect(r.mode).toBe("full");
    expect(r.fetched).toMatchObject({ customers: 3, invoices: 7, payments: 2 });
    expect(r.contacts).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(r.invoices).toEqual({ created: 6, updated: 0, unchanged: 0 });
    expect(r.payments).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(r.skipped).toEqual([{ id: ids.draft, reason: "draft (not issued yet)" }]);
    expect(r.rejected).toEqual([]);

    const acme = await h.contact(ids.acme!);
    expect(acme).toMatchObject({ name: "Acme Logistics", email: "ap@acme.example", phone: "+1 555 0100" });
    // No name: the business name stands in; an invalid e-mail is left out rather than failing the sync.
    expect(await h.contact(ids.north!)).toMatchObject({ name: "Northwind GmbH", company: "Northwind GmbH" });

    const overdue = await h.invoice(ids.overdue!);
    expect(overdue).toMatchObject({
      customer: "Acme Logistics",
      amountMinor: 125_000,
      currency: "USD",
      status: "open",
      issuedOn: "2026-09-03",
      dueOn: "2026-10-03",
    });
    const paid = await h.invoice(ids.paid!);
    expect(paid?.status).toBe("paid");
    expect((await h.paymentsOf(paid!.id)).map((p) => p.amountMinor)).toEqual([80_000]);
    const partial = await h.invoice(ids.partial!);
    expect(partial).toMatchObject({ status: "open", customer: "Northwind GmbH", amountMinor: 200_000 });
    expect((await h.paymentsOf(partial!.id)).map((p) => p.amountMinor)).toEqual([50_000]);
    expect((await h.invoice(ids.void!))?.status).toBe("void");
    // Written off in Stripe: nothing is expected from it any more.
    expect((await h.invoice(ids.writtenOff!))?.status).toBe("void");
    expect(await h.invoice(ids.draft!)).toBeUndefined();
  });

  it("the owner's questions answer from the synced invoices", async () => {
    const overdue = await h.ask("invoices overdue");
    const numbers = (overdue.meta as { invoiceNumbers: string[] }).invoiceNumbers;
    const number = async (id: string) => (await h.invoice(id))!.number;
    expect(numbers.sort()).toEqual([await number(ids.overdue!), await number(ids.partial!)].sort());
    expect(overdue.text).toContain(formatMoney(125_000 + 150_000, "USD"));
    const cash = await h.ask("cashflow 120");
    const receivables = (cash.meta as { receivables: { totalMinor: number; count: number } }).receivables;
    // Open balances: 1,250 + (2,000 − 500) + 600; void and written-off invoices are not receivables.
    expect(receivables.totalMinor).toBe(125_000 + 150_000 + 60_000);
    expect(receivables.count).toBe(3);
  });

  it("a second full sync changes nothing", async () => {
    const r = await syncStripe(h.d, h.tenantId, { full: true });
    expect(r.contacts).toEqual(zero);
    expect(r.invoices).toEqual({ created: 0, updated: 0, unchanged: 6 });
    expect(r.payments).toEqual({ created: 0, updated: 0, unchanged: 2 });
  });

  it("an incremental sync reads only the events since the last one, then nothing the next time", async () => {
    h.fake.clock = t0 + 10;
    h.clock.set(new Date((t0 + 3600) * 1000));
    const before = h.fake.calls.length;
    h.fake.pay(ids.overdue!);
    const r = await syncStripe(h.d, h.tenantId);
    expect(r.mode).toBe("incremental");
    expect(r.fetched.events).toBeGreaterThan(0);
    expect(r.invoices).toMatchObject({ created: 0, updated: 0 });
    expect(r.payments).toMatchObject({ created: 1, updated: 0 });
    expect((await h.invoice(ids.overdue!))?.status).toBe("paid");
    const paths = new Set(h.fake.calls.slice(before).map((c) => c.path));
    expect(paths.has("/v1/customers")).toBe(false); // no full re-read
    expect(h.fake.calls.slice(before).find((c) => c.path === "/v1/events")?.query["created[gte]"]).toBe(
      String(t0 - 120),
    );
    h.clock.set(new Date((t0 + 7200) * 1000));
    const again = await syncStripe(h.d, h.tenantId);
    expect(again.payments).toMatchObject({ created: 0, updated: 0 });
    expect(again.invoices).toMatchObject({ created: 0, updated: 0 });
  });

  it("a partial refund nets out of the invoice and its payment; a full refund leaves nothing expected", async () => {
    h.fake.clock = t0 + 7300;
    h.clock.set(new Date((t0 + 9000) * 1000));
    h.fake.refund(paidPi, 20_000);
    const r = await syncStripe(h.d, h.tenantId);
    expect(r.invoices).toMatchObject({ updated: 1 });
    expect(r.payments).toMatchObject({ updated: 1 });
    const inv = await h.invoice(ids.paid!);
    expect(inv).toMatchObject({ amountMinor: 60_000, status: "paid" });
    expect((await h.paymentsOf(inv!.id)).map((p) => p.amountMinor)).toEqual([60_000]);

    h.fake.clock = t0 + 9100;
    h.clock.set(new Date((t0 + 12_000) * 1000));
    h.fake.refund(paidPi, 60_000);
    await syncStripe(h.d, h.tenantId);
    expect((await h.invoice(ids.paid!))?.status).toBe("void");
    const overdue = await h.ask("invoices overdue");
    expect((overdue.meta as { invoiceNumbers: string[] }).invoiceNumbers).not.toContain(inv!.number);
  });

  it("a voided invoice stops being overdue", async () => {
    h.fake.clock = t0 + 12_100;
    h.clock.set(new Date((t0 + 15_000) * 1000));
    h.fake.voidInvoice(ids.future!);
    await syncStripe(h.d, h.tenantId);
    expect((await h.invoice(ids.future!))?.status).toBe("void");
  });

  it("429s with Stripe-Should-Retry are retried by the client and the sync completes", async () => {
    h.fake.clock = t0 + 15_100;
    h.clock.set(new Date((t0 + 18_000) * 1000));
    h.fake.failNext("/v1/events", { status: 429, shouldRetry: true }, 2);
    const before = h.fake.callsTo("/v1/events").length;
    const r = await syncStripe(h.d, h.tenantId);
    expect(r.ok).toBe(true);
    expect(h.fake.callsTo("/v1/events").length - before).toBe(3);
  });

  it("rate limiting beyond the retries fails the run, records it, and the next run recovers", async () => {
    h.clock.set(new Date((t0 + 21_000) * 1000));
    h.fake.failNext("/v1/events", { status: 429, shouldRetry: true }, 3);
    await expect(syncStripe(h.d, h.tenantId)).rejects.toMatchObject({
      code: "provider_error",
      retryable: true,
    });
    const failed = await getAccount(h.d, h.tenantId, "stripe");
    expect(failed).toMatchObject({ consecutiveFailures: 1, lastErrorCode: "stripe_429" });
    expect(failed?.cursors.events).toBe(String(t0 + 18_000)); // the cursor did not move
    h.clock.set(new Date((t0 + 22_000) * 1000));
    await syncStripe(h.d, h.tenantId);
    expect(await getAccount(h.d, h.tenantId, "stripe")).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
    });
  });

  it("a revoked key is a permanent failure reported once, and the key never reaches logs or the database in clear", async () => {
    h.fake.keys.delete(KEY);
    h.clock.set(new Date((t0 + 25_000) * 1000));
    await expect(syncStripe(h.d, h.tenantId)).rejects.toMatchObject({ code: "forbidden" });
    const first = await getAccount(h.d, h.tenantId, "stripe");
    expect(first?.lastError).toMatch(/refused the secret key/);
    expect(first?.alertedAt).not.toBeNull();
    h.clock.set(new Date((t0 + 26_000) * 1000));
    await expect(syncStripe(h.d, h.tenantId)).rejects.toMatchObject({ code: "forbidden" });
    const second = await getAccount(h.d, h.tenantId, "stripe");
    expect(second?.consecutiveFailures).toBe(2);
    expect(second?.alertedAt).toEqual(first?.alertedAt); // told once per failing streak
    h.fake.keys.add(KEY);

    const logs = h.logs.join("\n");
    expect(logs).toContain("stripe sync finished");
    for (const secret of [KEY, KEY.slice(-12), WHSEC, WHSEC.slice(-12)]) expect(logs).not.toContain(secret);
    const tables = await h.d.db.rows<{ name: string }>(
      // Every table of the schema, each read as text through the tenant's own view (RLS applies).
      (await import("drizzle-orm"))
        .sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    const scanned = new Map<string, string>();
    for (const t of tables) {
      const text = await h.d.db
        .tenantTx(h.tenantId, async (tx) => {
          const rows = await tx.execute(
            (await import("drizzle-orm")).sql.raw(
              `select coalesce(string_agg(x::text, ' '), '') as s from "${t.name}" x`,
            ),
          );
          return JSON.stringify(rows);
        })
        .catch(() => "");
      expect(text, t.name).not.toContain(KEY.slice(-12));
      expect(text, t.name).not.toContain(WHSEC.slice(-12));
      scanned.set(t.name, text);
    }
    // The scan really read the rows that hold the secrets: sealed, not absent.
    expect(scanned.get("connector_accounts")).toMatch(/stripe.*v1:/);
    expect(scanned.get("invoices")).toContain("Acme Logistics");
  });
});

describe("Stripe pagination, zero-decimal currencies and connecting", () => {
  let h: StripeHarness;
  beforeAll(async () => {
    h = await stripeHarness({ slug: "kyoto", currency: "JPY" });
  });
  afterAll(() => h.close());

  it("walks every page with starting_after and maps yen without inventing cents", async () => {
    const f = h.fake;
    const made = Array.from({ length: 230 }, (_, i) =>
      f.customer({ name: `Kunde ${i}`, email: `k${i}@kyoto.example` }),
    );
    const inv = f.invoice({ customer: made[0]!, amount: 150_000, currency: "jpy", dueInDays: 30 });
    f.pay(inv.id, 50_000);
    const r = await syncStripe(h.d, h.tenantId);
    expect(r.contacts.created).toBe(230);
    const pages = h.fake.callsTo("/v1/customers").filter((c) => c.query.limit === "100");
    expect(pages.length).toBe(3);
    expect(pages.map((p) => p.query.starting_after ?? null)).toEqual([null, made[130]!.id, made[30]!.id]);
    const n = await h.d.db.tenantTx(h.tenantId, (tx) => tx.select({ id: contacts.id }).from(contacts));
    expect(n.length).toBe(230);
    const row = await h.invoice(inv.id);
    // ¥150,000 is 150000 in Stripe and 15,000,000 hundredths in Keel.
    expect(row).toMatchObject({ amountMinor: 15_000_000, currency: "JPY", status: "open" });
    expect((await h.paymentsOf(row!.id)).map((p) => p.amountMinor)).toEqual([5_000_000]);
    expect(formatMoney(row!.amountMinor - 5_000_000, "JPY")).toBe("¥100,000");
    const sent = h.fake.calls.find((c) => c.path === "/v1/invoices");
    expect(sent?.stripeVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(sent?.key).toBe(KEY);
    const stored = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(invoices).where(eq(invoices.externalId, inv.id)),
    );
    expect(stored).toHaveLength(1);
  });

  it.each([
    ["a publishable key", "pk_live_51Hx0abcdefghijklmnop", /not a Stripe secret key/],
    ["an OpenAI-style key", "sk-proj-abcdefghijklmnop", /not a Stripe secret key/],
    ["a Slack token", "xoxb-1111-2222-abcdef", /not a Stripe secret key/],
    ["a masked key copied from the dashboard", "sk_live_****************abcd", /not a Stripe secret key/],
    ["an empty key", "", /not a Stripe secret key/],
    ["a key with a space inside", "sk_live_51Hx0 abcdefghijkl", /not a Stripe secret key/],
    ["a too short key", "sk_test_abc", /not a Stripe secret key/],
    ["a webhook secret pasted as the key", "whsec_abcdefghijklmnop", /not a Stripe secret key/],
  ])("refuses %s with a clear message and stores nothing", async (_what, key, message) => {
    const before = await getAccount(h.d, h.tenantId, "stripe");
    await expect(connectStripe(h.d, h.tenantId, { secretKey: key })).rejects.toMatchObject({
      code: "bad_input",
      userMessage: expect.stringMatching(message),
    });
    expect((await getAccount(h.d, h.tenantId, "stripe"))?.updatedAt).toEqual(before?.updatedAt);
  });

  it("refuses a well-formed key Stripe does not know, and a malformed webhook secret", async () => {
    await expect(
      connectStripe(h.d, h.tenantId, { secretKey: "sk_live_51UnknownKeyAbcdefghijkl" }),
    ).rejects.toMatchObject({
      code: "bad_input",
      userMessage: expect.stringMatching(/Stripe refused this key/),
    });
    await expect(
      connectStripe(h.d, h.tenantId, { secretKey: KEY, webhookSecret: "my-webhook-password" }),
    ).rejects.toMatchObject({ code: "bad_input", userMessage: expect.stringMatching(/whsec_/) });
  });

  it("reconnecting with the same key keeps the webhook endpoint, the signing secret and the cursor", async () => {
    const before = await getAccount(h.d, h.tenantId, "stripe");
    const r = await connectStripe(h.d, h.tenantId, { secretKey: KEY });
    expect(r.webhookSecretSet).toBe(true);
    expect(r.webhookPath).toBe(`/connectors/stripe/webhook?key=${before?.webhookKey}`);
    expect((await getAccount(h.d, h.tenantId, "stripe"))?.cursors).toEqual(before?.cursors);
    void DAY;
  });
});
