import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../../src/core/features/api/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { dealStageHistory, deals } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call, tenantFingerprint } from "../../support/api-client.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Writes as an integrator sends them: upserts through the import rules (same payload twice changes
 * nothing), every problem of a request in one problem+json answer with JSON pointers, Idempotency-Key
 * replays, cursor pages that visit every row once.
 */
const clock = fixedClock("2026-11-02T09:00:00Z");
let d: TestDeps;
let app: ReturnType<typeof createHttpApp>;
let demo: string;
let token: string;
let finance: string;
const snap = () => tenantFingerprint(d, demo);

beforeAll(async () => {
  // The clock stands still here, so every request falls in one rate-limit window: a high limit.
  d = await createTestDeps({ KEEL_API_RATE_LIMIT: "100000" }, { clock });
  await loadDemo(d);
  demo = (await requireTenant(d.db, "demo")).id;
  app = createHttpApp(d);
  token = (
    await createApiToken(d, demo, {
      email: "owner@demo.example",
      scopes: [
        "contacts:read",
        "contacts:write",
        "deals:read",
        "deals:write",
        "invoices:read",
        "invoices:write",
        "payments:read",
        "payments:write",
        "metrics:read",
        "metrics:write",
      ],
    })
  ).token;
  finance = (
    await createApiToken(d, demo, {
      email: "finance@demo.example",
      scopes: ["invoices:read", "invoices:write", "payments:write"],
    })
  ).token;
});
afterAll(() => d?.cleanup());

const post = (path: string, json: unknown, headers: Record<string, string> = {}, t = token) =>
  call(app, "POST", path, { token: t, json, headers });
const get = (path: string, t = token) => call(app, "GET", path, { token: t });

describe("upserts through the import rules", () => {
  const items = [
    {
      external_id: "crm-1",
      name: "Orbit Freight renewal",
      stage: "Qualified",
      value: "12000.50",
      next_step: "Send pricing",
      expected_close_on: "2027-01-15",
    },
    { external_id: "crm-2", name: "Pine Labs pilot", stage: "Lead", value: 800, company: "Pine Labs" },
    { name: "Walk-in order", stage: "Negotiation", value: "99.99" },
  ];

  it("creates, then the same payload again changes nothing (0 created, 0 updated)", async () => {
    const first = await post("/api/v1/deals", { items });
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^application\/json/);
    expect(first.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, rows: 3, dry_run: false });
    const before = await snap();
    const again = await post("/api/v1/deals", { items });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, fields: {} });
    expect(await snap()).toEqual(before);
  });

  it("a partial item changes only its fields; absent fields (next step, close date) stay", async () => {
    const r = await post("/api/v1/deals", { items: [{ external_id: "crm-1", value: "15000" }] });
    expect(r.body).toMatchObject({ updated: 1, fields: { value: 1 } });
    const [row] = await d.db.tenantTx(demo, (tx) =>
      tx.select().from(deals).where(eq(deals.externalId, "crm-1")),
    );
    expect(row).toMatchObject({
      valueMinor: 1_500_000,
      nextStep: "Send pricing",
      expectedCloseOn: "2027-01-15",
    });
    const cleared = await post("/api/v1/deals", { items: [{ external_id: "crm-1", next_step: null }] });
    expect(cleared.body).toMatchObject({ updated: 1, fields: { next_step: 1 } });
  });

  it("dry_run counts what would change and writes nothing", async () => {
    const before = await snap();
    const r = await post("/api/v1/contacts", {
      items: [{ name: "Dry Run Person", email: "dry@example.com" }],
      dry_run: true,
    });
    expect(r.body).toMatchObject({ dry_run: true, created: 1 });
    expect(await snap()).toEqual(before);
  });

  it("stage moves go through the same rule and are recorded in stage history; notes are added once", async () => {
    const list = await get("/api/v1/deals?limit=200");
    const deal = list.body.data.find((x: { external_id: string }) => x.external_id === "crm-2");
    const moved = await post(`/api/v1/deals/${deal.id}/stage`, {
      stage: "proposal sent",
      entered_on: "2026-11-01",
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: deal.id, stage: "Proposal Sent", stage_entered_on: "2026-11-01" });
    const history = await d.db.tenantTx(demo, (tx) =>
      tx.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, deal.id)),
    );
    expect(history).toHaveLength(2);
    expect(history.filter((h) => h.leftAt === null)).toHaveLength(1);
    const bad = await post(`/api/v1/deals/${deal.id}/stage`, { stage: "Maybe Later" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: "/stage", value: "Maybe Later" })]);
    expect(bad.body.errors[0].detail).toMatch(/a stage of this pipeline \(Lead, Qualified/);

    const note = { body: "Called: PO expected Friday" };
    expect((await post(`/api/v1/deals/${deal.id}/notes`, note)).body).toMatchObject({ created: 1 });
    expect((await post(`/api/v1/deals/${deal.id}/notes`, note)).body).toMatchObject({
      created: 0,
      unchanged: 1,
    });
    const notes = await get(`/api/v1/deals/${deal.id}/notes`);
    expect(notes.body.data).toEqual([
      expect.objectContaining({ body: note.body, author_email: "owner@demo.example" }),
    ]);
  });
});

describe("bad input: every problem of the request in one problem+json answer, nothing written", () => {
  const expect422 = async (path: string, json: unknown, pointers: string[], t = token) => {
    const before = await snap();
    const r = await post(path, json, {}, t);
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.type).toBe("application/problem+json");
    expect(r.body).toMatchObject({ status: 422, title: "Unprocessable Content", instance: path });
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([...pointers].sort());
    expect(await snap()).toEqual(before);
    return r.body;
  };

  it("a deal: negative value, unknown stage, 2026-13-01, unknown owner — all four at once", async () => {
    const b = await expect422(
      "/api/v1/deals",
      {
        items: [
          { name: "Neg Co", stage: "Lead", value: "-500" },
          {
            name: "Odd",
            stage: "Dreaming",
            value: "10",
            expected_close_on: "2026-13-01",
            owner_email: "ghost@demo.example",
          },
        ],
      },
      ["/items/0/value", "/items/1/stage", "/items/1/expected_close_on", "/items/1/owner_email"],
    );
    expect(b.detail).toBe("4 problems in the request; nothing was written.");
    expect(b.errors.find((e: { pointer: string }) => e.pointer === "/items/0/value").detail).toMatch(
      /no negative amounts/,
    );
    expect(
      b.errors.find((e: { pointer: string }) => e.pointer === "/items/1/expected_close_on"),
    ).toMatchObject({ value: "2026-13-01", detail: expect.stringMatching(/a real date/) });
  });

  it("an invoice due before it was issued AND with a negative amount; another with impossible dates", async () => {
    const b = await expect422(
      "/api/v1/invoices",
      {
        items: [
          { number: "API-1", customer: "Orbit", issued_on: "2026-03-10", due_on: "2026-03-01", amount: "-5" },
          {
            number: "API-2",
            customer: "Orbit",
            issued_on: "2026-02-30",
            due_on: "2026-13-01",
            amount: "10.999",
          },
        ],
      },
      ["/items/0/amount", "/items/0/due_on", "/items/1/issued_on", "/items/1/due_on", "/items/1/amount"],
      finance,
    );
    expect(b.errors.find((e: { pointer: string }) => e.pointer === "/items/0/due_on").detail).toMatch(
      /on or after the issue date 2026-03-10/,
    );
  });

  it("a payment above the open balance is refused unless marked as overpayment", async () => {
    const inv = await post(
      "/api/v1/invoices",
      {
        items: [
          {
            number: "API-9",
            customer: "Orbit",
            issued_on: "2026-10-01",
            due_on: "2026-10-31",
            amount: "100.00",
          },
        ],
      },
      {},
      finance,
    );
    expect(inv.body.created).toBe(1);
    const b = await expect422(
      "/api/v1/payments",
      { items: [{ invoice_number: "API-9", paid_on: "2026-10-20", amount: "150.00" }] },
      ["/items/0/amount"],
      finance,
    );
    expect(b.errors[0].detail).toMatch(/at most the open balance 100\.00 of invoice API-9/);
    await expect422(
      "/api/v1/payments",
      { items: [{ invoice_number: "NOPE-1", paid_on: "2026-10-20", amount: "1" }] },
      ["/items/0/invoice_number"],
      finance,
    );
    const over = await post(
      "/api/v1/payments",
      { items: [{ invoice_number: "API-9", paid_on: "2026-10-20", amount: "150.00", overpayment: true }] },
      {},
      finance,
    );
    expect(over.body).toMatchObject({ created: 1 });
    const all: { number: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/api/v1/invoices?limit=200${cursor ? `&cursor=${cursor}` : ""}`, finance);
      all.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(all.find((i) => i.number === "API-9")).toMatchObject({
      status: "paid",
      paid_amount: "150.00",
      open_balance: "0.00",
    });
  });

  it("unknown fields and wrong JSON types are listed with their pointers", async () => {
    const b = await expect422(
      "/api/v1/contacts",
      { items: [{ name: "Ok" }, { name: "X", colour: "red" }, { name: { first: "A" } }], extra: 1 },
      ["", "/items/1", "/items/2/name"],
    );
    expect(b.errors.find((e: { pointer: string }) => e.pointer === "/items/1").detail).toMatch(
      /unknown field\(s\): colour/,
    );
    await expect422("/api/v1/contacts", { items: [] }, ["/items"]);
    await expect422(
      "/api/v1/metric-points",
      { items: [{ metric: "Web Sessions!", date: "yesterday", value: "lots" }] },
      ["/items/0/metric", "/items/0/date", "/items/0/value"],
    );
  });

  it("wrong content type → 415, malformed JSON → 400, a 2 MB body → 413; all problem+json, nothing written", async () => {
    const before = await snap();
    const csv = await call(app, "POST", "/api/v1/contacts", {
      token,
      raw: "name\nAda\n",
      headers: { "content-type": "text/csv" },
    });
    expect(csv).toMatchObject({ status: 415, type: "application/problem+json" });
    const none = await call(app, "POST", "/api/v1/contacts", { token, raw: '{"items":[{"name":"Ada"}]}' });
    expect(none.status).toBe(415);
    const broken = await call(app, "POST", "/api/v1/contacts", {
      token,
      raw: '{"items":[{"name":"Ada"}',
      headers: { "content-type": "application/json" },
    });
    expect(broken).toMatchObject({ status: 400, type: "application/problem+json" });
    expect(broken.body.type).toMatch(/malformed-json$/);
    const huge = JSON.stringify({ items: [{ name: "x".repeat(2 * 1024 * 1024) }] });
    const big = await call(app, "POST", "/api/v1/contacts", {
      token,
      raw: huge,
      headers: { "content-type": "application/json" },
    });
    expect(big).toMatchObject({ status: 413, type: "application/problem+json" });
    expect(await snap()).toEqual(before);
  });

  it("bad query parameters: limit out of bounds, a forged cursor, an unknown endpoint", async () => {
    for (const q of ["limit=0", "limit=201", "limit=ten"]) {
      const r = await get(`/api/v1/contacts?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ parameter: "limit" });
    }
    const forged = await get(
      `/api/v1/contacts?cursor=${Buffer.from('{"v":1,"k":"x\' or 1=1"}').toString("base64url")}`,
    );
    expect(forged).toMatchObject({ status: 400, type: "application/problem+json" });
    const nope = await get("/api/v1/widgets");
    expect(nope).toMatchObject({ status: 404, type: "application/problem+json" });
  });
});

describe("Idempotency-Key", () => {
  it("same key and body → the first response again (replayed), no second write", async () => {
    const body = { items: [{ name: "Idem Person", email: "idem@example.com" }] };
    const first = await post("/api/v1/contacts", body, { "idempotency-key": "k-123" });
    expect(first.body).toMatchObject({ created: 1 });
    const before = await snap();
    // Between the two, the contact is renamed elsewhere: a replay must not write it back.
    const replay = await post("/api/v1/contacts", body, { "idempotency-key": "k-123" });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect(await snap()).toEqual(before);
    // Without the key, the same body is a normal upsert: unchanged.
    expect((await post("/api/v1/contacts", body)).body).toMatchObject({ created: 0, unchanged: 1 });
  });

  it("same key with another body → 422 problem; a failed request's problem is replayed too", async () => {
    await post("/api/v1/contacts", { items: [{ name: "A" }] }, { "idempotency-key": "k-456" });
    const other = await post("/api/v1/contacts", { items: [{ name: "B" }] }, { "idempotency-key": "k-456" });
    expect(other).toMatchObject({ status: 422, type: "application/problem+json" });
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    const bad = { items: [{ name: "C", email: "not-an-email" }] };
    const r1 = await post("/api/v1/contacts", bad, { "idempotency-key": "k-789" });
    const r2 = await post("/api/v1/contacts", bad, { "idempotency-key": "k-789" });
    expect(r1.status).toBe(422);
    expect(r2).toMatchObject({ status: 422, type: "application/problem+json", body: r1.body });
  });

  it("keys expire after 24 hours; keys are per token", async () => {
    const body = { items: [{ name: "Expiring" }] };
    await post("/api/v1/contacts", body, { "idempotency-key": "k-exp" });
    const other = (await createApiToken(d, demo, { email: "owner@demo.example", scopes: ["contacts:write"] }))
      .token;
    const fresh = await post("/api/v1/contacts", body, { "idempotency-key": "k-exp" }, other);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    clock.advance(25 * 3_600_000);
    const later = await post("/api/v1/contacts", body, { "idempotency-key": "k-exp" });
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    expect(later.body).toMatchObject({ unchanged: 1 });
    clock.set("2026-11-02T09:00:00Z");
  });
});

describe("cursor pagination", () => {
  it("walks every contact exactly once, for several page sizes", async () => {
    await post("/api/v1/contacts", {
      items: Array.from({ length: 37 }, (_, i) => ({ external_id: `pg-${i}`, name: `Page Person ${i}` })),
    });
    const walk = async (limit: number) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await get(
          `/api/v1/contacts?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeLessThanOrEqual(limit);
        ids.push(...r.body.data.map((c: { id: string }) => c.id));
        cursor = r.body.next_cursor;
        pages++;
      } while (cursor && pages < 1000);
      return ids;
    };
    const all = await walk(200);
    expect(all.length).toBeGreaterThanOrEqual(37);
    for (const n of [1, 7, 50]) {
      const ids = await walk(n);
      expect(ids).toHaveLength(all.length);
      expect(new Set(ids).size).toBe(all.length);
    }
  });

  it("metric points page by date, in order, each once", async () => {
    const days = Array.from({ length: 23 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const w = await post("/api/v1/metric-points", {
      items: days.map((date, i) => ({ metric: "api_signups", date, value: i })),
    });
    expect(w.body).toMatchObject({ created: 23 });
    expect(
      (
        await post("/api/v1/metric-points", {
          items: days.map((date, i) => ({ metric: "api_signups", date, value: i })),
        })
      ).body,
    ).toMatchObject({ created: 0, updated: 0, unchanged: 23 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(
        `/api/v1/metric-points?metric=api_signups&limit=5${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...r.body.data.map((p: { date: string }) => p.date));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(days);
  });
});
