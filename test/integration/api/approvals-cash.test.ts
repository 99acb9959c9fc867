import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { ConsoleSession } from "../../../src/bots/console/session.js";
import { createApiToken, type Scope } from "../../../src/core/features/api/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { deals, draftEvents, outbox } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call } from "../../support/api-client.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Approvals over REST go through the same use case and policy as chat buttons (four eyes included),
 * and the cash read endpoint prints the chat's `cashflow on DATE` figure for the same date.
 */
const clock = fixedClock("2025-12-03T10:00:00Z");
let d: TestDeps;
let app: ReturnType<typeof createHttpApp>;
let demo: string;
let dispatcher: Dispatcher;
const token = async (email: string, scopes: Scope[]) =>
  (await createApiToken(d, demo, { email: `${email}@demo.example`, scopes })).token;
const say = async (email: string, line: string) => {
  const actor = await actorByEmail(d.db, demo, `${email}@demo.example`);
  return dispatcher.dispatch({
    ...parseText(line),
    origin: { tenantId: demo, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
    idempotencyKey: randomUUID(),
  } as Intent);
};
const openDeal = async (company: string) => {
  const [deal] = await d.db.tenantTx(demo, (tx) =>
    tx
      .select()
      .from(deals)
      .where(and(eq(deals.status, "open"), eq(deals.company, company)))
      .limit(1),
  );
  return deal!;
};
const outboxFor = (draftId: string) =>
  d.db.tenantTx(demo, (tx) => tx.select().from(outbox).where(eq(outbox.draftId, draftId)));

beforeAll(async () => {
  d = await createTestDeps({ KEEL_API_RATE_LIMIT: "100000" }, { clock });
  await loadDemo(d);
  d.channels.set("console", new ConsoleAdapter(null));
  demo = (await requireTenant(d.db, "demo")).id;
  dispatcher = createDispatcher(d, registry);
  app = createHttpApp(d);
});
afterAll(() => d?.cleanup());

describe("approvals over REST", () => {
  it("four eyes: the author's token cannot approve a large draft; a manager's token can, once", async () => {
    const deal = await openDeal("Lumen Optics");
    expect(deal.valueMinor).toBeGreaterThan(1_000_000);
    const s = new ConsoleSession(dispatcher, await actorByEmail(d.db, demo, "owner@demo.example"));
    const drafted = (await s.handle(`remind ${deal.id}`)).reply;
    const draftId = String(drafted.meta?.draftId);
    const owner = await token("owner", ["drafts:read", "drafts:approve"]);
    const manager = await token("manager", ["drafts:read", "drafts:approve"]);

    const listed = await call(app, "GET", "/api/v1/drafts", { token: owner });
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((x: { id: string }) => x.id === draftId);
    expect(mine).toMatchObject({
      status: "drafted",
      can_approve: false,
      can_reject: true,
      number: drafted.meta?.draftSeq,
    });

    const refused = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, { token: owner, json: {} });
    expect(refused.status).toBe(403);
    expect(refused.type).toBe("application/problem+json");
    expect(refused.body.detail).toMatch(/Four eyes/);
    expect(await outboxFor(draftId)).toHaveLength(0);

    const byNumber = await call(app, "GET", `/api/v1/drafts/${drafted.meta?.draftSeq}`, { token: manager });
    expect(byNumber.body).toMatchObject({ id: draftId, can_approve: true });
    const ok = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, {
      token: manager,
      json: {},
      headers: { "idempotency-key": "approve-1" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.draft.status).toMatch(/scheduled|sent/);
    expect(ok.body.message).toMatch(/Approved draft/);
    // A retry of the same call replays the answer; a second decision is a conflict; one message either way.
    const retry = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, {
      token: manager,
      json: {},
      headers: { "idempotency-key": "approve-1" },
    });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const again = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, { token: manager, json: {} });
    expect(again.status).toBe(409);
    expect(await outboxFor(draftId)).toHaveLength(1);
    const events = await d.db.tenantTx(demo, (tx) =>
      tx.select().from(draftEvents).where(eq(draftEvents.draftId, draftId)),
    );
    const approved = events.find((e) => e.event === "approved");
    expect(approved?.detail).toMatchObject({ via: "api" });
    const refusedEvent = events.find((e) => e.event === "approve_refused");
    expect(refusedEvent?.detail).toMatchObject({ via: "api" });
  });

  it("rejects with a reason; a rep's token may not decide on someone else's deal; scopes still apply", async () => {
    const deal = await openDeal("Kestrel Robotics");
    const m = new ConsoleSession(dispatcher, await actorByEmail(d.db, demo, "manager@demo.example"));
    const drafted = (await m.handle(`remind ${deal.id}`)).reply;
    const draftId = String(drafted.meta?.draftId);
    const readOnly = await token("owner", ["drafts:read"]);
    const noScope = await call(app, "POST", `/api/v1/drafts/${draftId}/reject`, {
      token: readOnly,
      json: {},
    });
    expect(noScope.status).toBe(403);
    expect(noScope.body.type).toMatch(/missing-scope$/);
    const sam = await actorByEmail(d.db, demo, "sam@demo.example");
    const other = sam.userId === deal.ownerUserId ? "lina" : "sam";
    const rep = await token(other, ["drafts:read", "drafts:approve"]);
    const repTry = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, { token: rep, json: {} });
    expect(repTry.status).toBe(403);
    expect(repTry.type).toBe("application/problem+json");
    expect(await outboxFor(draftId)).toHaveLength(0);
    const owner = await token("owner", ["drafts:approve"]);
    const rejected = await call(app, "POST", `/api/v1/drafts/${draftId}/reject`, {
      token: owner,
      json: { reason: "wrong tone" },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.draft.status).toBe("rejected");
    const late = await call(app, "POST", `/api/v1/drafts/${draftId}/approve`, { token: owner, json: {} });
    expect(late.status).toBe(409);
    const twice = await call(app, "POST", `/api/v1/drafts/${draftId}/reject`, { token: owner, json: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toMatch(/is already rejected/);
    expect(await outboxFor(draftId)).toHaveLength(0);
    const missing = await call(app, "POST", "/api/v1/drafts/99999/approve", { token: owner, json: {} });
    expect(missing).toMatchObject({ status: 404, type: "application/problem+json" });
  });
});

describe("cash, forecasts and usage read endpoints", () => {
  it("the REST cash figure equals `cashflow on DATE` in chat, for dates and phrases", async () => {
    const t = await token("finance", ["cashflow:read"]);
    for (const on of ["2026-01-31", "2025-12-24", "2026-03-03", "end of next month"]) {
      const chat = (await say("finance", `cashflow on ${on}`)).meta as { balanceOn: Record<string, unknown> };
      const rest = await call(app, "GET", `/api/v1/cashflow?on=${encodeURIComponent(on)}`, { token: t });
      expect(rest.status, on).toBe(200);
      expect(chat.balanceOn.p50, on).not.toBeNull();
      expect(rest.body, on).toMatchObject({
        on: chat.balanceOn.on,
        p10_minor: chat.balanceOn.p10,
        p50_minor: chat.balanceOn.p50,
        p90_minor: chat.balanceOn.p90,
        probability_negative: chat.balanceOn.probabilityNegative,
        currency: "USD",
        kind: "balance",
      });
    }
    const past = await call(app, "GET", "/api/v1/cashflow?on=2020-01-01", { token: t });
    expect(past).toMatchObject({ status: 400, type: "application/problem+json" });
    expect(past.body.detail).toMatch(/not in the future/);
  });

  it("forecasts a metric like `forecast METRIC N`; finance metrics need a cash role", async () => {
    const t = await token("manager", ["forecasts:read", "metrics:read"]);
    const rest = await call(app, "GET", "/api/v1/forecasts/website_sessions?periods=4", { token: t });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    const chat = (await say("manager", "forecast website_sessions 4")).meta as { forecast: number[] };
    expect(rest.body.points.map((p: { value: number }) => p.value)).toEqual(chat.forecast);
    const viewer = await token("viewer", ["forecasts:read", "metrics:read"]);
    const cash = await call(app, "GET", "/api/v1/forecasts/cash_balance", { token: viewer });
    expect(cash.status).toBe(403);
    const points = await call(app, "GET", "/api/v1/metric-points?metric=expenses", { token: viewer });
    expect(points.status).toBe(403);
    const unknown = await call(app, "GET", "/api/v1/forecasts/unicorns", { token: t });
    expect(unknown).toMatchObject({ status: 404, type: "application/problem+json" });
  });

  it("usage of a month; a bad month is a 400 problem", async () => {
    const t = await token("owner", ["usage:read"]);
    const r = await call(app, "GET", "/api/v1/usage?month=2025-12", { token: t });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ month: "2025-12", totals: { calls: expect.any(Number) } });
    const bad = await call(app, "GET", "/api/v1/usage?month=2025-13", { token: t });
    expect(bad).toMatchObject({ status: 400, type: "application/problem+json" });
  });
});
