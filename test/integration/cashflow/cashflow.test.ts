import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aggregate,
  buildOutlook,
  burnSpread,
  calibrate,
  cashBasis,
  cashFromOutlook,
  collectedWithin,
  collectionInflows,
  compareScenario,
  type DealProjection,
  loadCalibrationHistory,
  loadPayments,
  loadReceivables,
  loadSeries,
  loadStageRules,
  makeRules,
  projectDeal,
  receivableInflows,
} from "../../../src/core/features/cashflow/index.js";
import { listDeals } from "../../../src/core/features/deals/queries.js";
import { findSimilarDeals, type NeighbourStats } from "../../../src/core/features/similar/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { metricPoints, metricSeries } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { formatMoney } from "../../../src/core/kernel/format.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-06-18T10:00:00Z");

/** Everything the report reads, straight from the tables, projected by the pure functions. */
async function expected(d: TestDeps, tenantId: string, bucket: "week" | "month", days: number) {
  const now = clock.now();
  const today = now.toISOString().slice(0, 10);
  const rows = await d.db.tenantTx(tenantId, async (tx) => ({
    deals: await listDeals(tx, now, { status: "open" }),
    stages: await loadStageRules(tx),
    payments: await loadPayments(tx, today),
    receivables: await loadReceivables(tx),
    series: await loadSeries(tx, ["cash_balance", "monthly_expenses", "expenses"], today),
    history: await loadCalibrationHistory(tx),
  }));
  const rules = makeRules(rows.stages);
  const ps: DealProjection[] = rows.deals.map((x) => projectDeal(x, rules, now));
  const agg = aggregate(ps, bucket, { today: now, days });
  const rec = receivableInflows(
    rows.receivables,
    now,
    new Set(ps.filter((p) => p.invoicedStage).map((p) => p.dealId)),
    "USD",
  );
  const basis = cashBasis(rows.series, rows.payments, now);
  const expenses = rows.series.find((x) => x.key === "monthly_expenses")!;
  // The open deals' similar past deals, as `deal NAME` finds them (the simulation reads their outcomes).
  const search = await findSimilarDeals(
    d,
    tenantId,
    rows.deals.filter((x) => !x.isInvoiced).map((x) => x.id),
  );
  const similar = new Map<string, NeighbourStats>();
  for (const [id, r] of search.results) if (r.ok) similar.set(id, r.stats);
  const outlookOf = (slip?: { id: string; days: number }, buckets = agg.buckets) =>
    buildOutlook({
      tenantId,
      today: now,
      todayIso: today,
      currency: "USD",
      basis,
      burnSdMinor: burnSpread(expenses.points, expenses.frequency),
      deals: rows.deals,
      projections: ps,
      receivables: rows.receivables,
      rules,
      calibration: calibrate(rows.history, rows.stages),
      horizonDays: days,
      at: buckets.map((b) => b.end),
      similar,
      slip,
    });
  const outlook = outlookOf();
  const cash = cashFromOutlook(outlook, agg.buckets);
  return { rules, ps, agg, cash, outlook, outlookOf, rec, basis, deals: rows.deals };
}

describe("cashflow on the demo company", () => {
  let d: TestDeps;
  let dispatcher: Dispatcher;
  let tenantId: string;
  let owner: Awaited<ReturnType<typeof actorByEmail>>;

  const say = async (line: string, email = "owner@demo.example"): Promise<Reply> => {
    const actor = email === owner.email ? owner : await actorByEmail(d.db, tenantId, email);
    const intent = {
      ...parseText(line),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId: "t" },
      idempotencyKey: randomUUID(),
    } as Intent;
    return dispatcher.dispatch(intent);
  };

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    owner = await actorByEmail(d.db, tenantId, "owner@demo.example");
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("`cashflow`: 90 days by month, figures equal the rules applied to the same rows", async () => {
    const reply = await say("cashflow");
    const m = reply.meta as Record<string, any>;
    const e = await expected(d, tenantId, "month", 90);
    expect(m.horizonDays).toBe(90);
    expect(m.bucket).toBe("month");
    expect(m.buckets).toEqual(e.agg.buckets);
    expect(m.inHorizon).toEqual(e.agg.inHorizon);
    expect(m.beyond).toEqual(e.agg.beyond);
    expect(
      m.buckets.reduce((s: number, b: { collectedWeightedMinor: number }) => s + b.collectedWeightedMinor, 0),
    ).toBe(e.agg.inHorizon.collectedWeightedMinor);
    for (const [i, days] of [30, 60, 90].entries())
      expect(m.next[i].weightedMinor).toBe(collectedWithin(e.ps, clock.now(), days).weightedMinor);
    expect(reply.text).toContain(formatMoney(collectedWithin(e.ps, clock.now(), 30).weightedMinor));
    expect(reply.text).toContain(formatMoney(collectedWithin(e.ps, clock.now(), 90).weightedMinor));
    // Every deal's reasoning is in the assumptions, the stuck Acme deal with its penalty.
    expect(m.assumptions.deals).toHaveLength(e.deals.length);
    const acme = m.assumptions.deals.find((x: { name: string }) => x.name === "Acme Logistics");
    expect(acme.rules).toContain("stuck_penalty");
    expect(acme.paidOn).toBe(e.ps.find((p) => p.dealName === "Acme Logistics")!.paidOn);
    expect(reply.sections?.find((s) => s.title === "Assumptions")?.text).toMatch(/\+14 d/);
    // The demo keeps a cash balance and monthly expenses, so runway is computed from them.
    expect(m.cash.runway.kind).not.toBe("unknown");
    expect(m.cash.basis.openingSource).toMatch(/cash_balance metric/);
    expect(m.cash.basis).toEqual(e.basis);
    expect(m.cash.balanceAtHorizonMinor).toBe(e.cash.balanceAtHorizonMinor);
    expect(m.receivables.totalMinor).toBe(e.rec.inflows.reduce((s, f) => s + f.amountMinor, 0));
    // 20 months of payments are enough for the forecast engine.
    expect(m.history.model).toEqual(expect.any(String));
    expect(m.history.byBucket).toHaveLength(e.agg.buckets.length);
    expect(reply.sources?.map((s) => s.label)).toEqual(
      expect.arrayContaining(["Open deals", "Cashflow rules", "Payments"]),
    );
    expect(reply.sections?.[0]?.fields).toHaveLength(e.agg.buckets.length);
  });

  it("`cashflow 60 week`: weekly buckets over 60 days", async () => {
    const reply = await say("cashflow 60 week");
    const m = reply.meta as Record<string, any>;
    const e = await expected(d, tenantId, "week", 60);
    expect(m.bucket).toBe("week");
    expect(m.horizonDays).toBe(60);
    expect(m.buckets).toEqual(e.agg.buckets);
    expect(m.buckets.length).toBeGreaterThanOrEqual(9);
    expect(m.buckets[0].label).toMatch(/^Week of /);
  });

  it("`cashflow if Acme Logistics slips 30 days`: moved dates, bucket and runway deltas", async () => {
    // The demo company keeps cash_balance and monthly_expenses series, so runway is defined.
    const reply = await say("cashflow if Acme Logistics slips 30 days");
    const m = reply.meta as Record<string, any>;
    const e = await expected(d, tenantId, m.bucket, m.horizonDays);
    const acme = e.ps.find((p) => p.dealName === "Acme Logistics")!;
    const shiftDay = (iso: string, n: number) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    expect(m.scenario.ok).toBe(true);
    expect(m.scenario.before).toEqual({ invoiceOn: acme.invoiceOn, paidOn: acme.paidOn });
    expect(m.scenario.after).toEqual({
      invoiceOn: shiftDay(acme.invoiceOn, 30),
      paidOn: shiftDay(acme.paidOn, 30),
    });

    // The same scenario by hand: only Acme's dates move.
    const slipped = e.ps.map((p) =>
      p.dealId === acme.dealId
        ? { ...p, invoiceOn: m.scenario.after.invoiceOn, paidOn: m.scenario.after.paidOn }
        : p,
    );
    const sAgg = aggregate(slipped, m.bucket, { today: clock.now(), days: m.horizonDays });
    const sCash = cashFromOutlook(e.outlookOf({ id: acme.dealId, days: 30 }, sAgg.buckets), sAgg.buckets);
    const delta = compareScenario({ aggregation: e.agg, cash: e.cash }, { aggregation: sAgg, cash: sCash });
    expect(m.buckets).toEqual(e.agg.buckets);
    expect(m.scenario.buckets).toEqual(sAgg.buckets);
    // The horizon stays the one asked for (90 days); a payment that slips past it leaves the window
    // and the reply says where it lands instead of silently stretching the horizon.
    expect(m.horizonDays).toBe(90);
    const moved = m.scenario.delta.buckets.map(
      (b: { collectedWeightedDeltaMinor: number }) => b.collectedWeightedDeltaMinor,
    );
    const from = moved.indexOf(-acme.weightedMinor);
    if (m.scenario.before.paidOn <= e.agg.to) expect(from).toBeGreaterThanOrEqual(0);
    if (m.scenario.after.paidOn > e.agg.to) {
      expect(moved.filter((x: number) => x !== 0)).toEqual(from >= 0 ? [-acme.weightedMinor] : []);
      expect(reply.text).toContain(`after the 90-day window, which ends ${e.agg.to}`);
    } else expect(moved.indexOf(acme.weightedMinor)).toBeGreaterThan(from);
    // Levels before → after, not bare deltas.
    expect(reply.text).toContain(
      `${formatMoney(e.cash.balanceAtHorizonMinor)} → ${formatMoney(sCash.balanceAtHorizonMinor)}`,
    );
    expect(m.scenario.delta).toEqual(delta);
    expect(e.cash.runway.kind).not.toBe("unknown");
    expect(m.cash.runway).toEqual(e.cash.runway);
    expect(typeof m.scenario.delta.runwayDeltaDays).toBe("number");
    expect(m.scenario.runway).toEqual(sCash.runway);
    expect(m.cash.basis).toEqual(e.basis);
    expect(m.cash.basis.openingMinor).toBeGreaterThan(0);
    expect(m.cash.basis.burnSource).toMatch(/monthly_expenses/);
    expect(reply.text).toMatch(/^\*\*If Acme Logistics slips 30 days:\*\*/);
  });

  it("names the candidates when the scenario deal is not found", async () => {
    const reply = await say("cashflow if Nonexistent Corp slips 10 days");
    expect((reply.meta as Record<string, any>).scenario).toMatchObject({ ok: false });
    expect(reply.text).toMatch(/No single deal matches "Nonexistent Corp"/);
  });

  it("refuses roles without cashflow.read", async () => {
    const reply = await say("cashflow", "sam@demo.example");
    expect(reply.outcome).toEqual({ kind: "error", code: "forbidden" });
  });
});
