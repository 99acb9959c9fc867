import { describe, expect, it } from "vitest";
import {
  aggregate,
  applyScenario,
  type CashBasis,
  collectionInflows,
  compareScenario,
  makeBuckets,
  monthlyFromExpenseSeries,
  projectCash,
  projectDeal,
} from "../../../src/core/features/cashflow/index.js";
import { deal, RULES, TODAY } from "./fixtures.js";

// 36 500 a month is exactly 1 200 a day (× 12 / 365), which keeps the runway arithmetic readable.
const basis: CashBasis = {
  openingMinor: 12_000,
  openingSource: "test",
  monthlyBurnMinor: 36_500,
  burnSource: "test",
};

describe("cash position and runway", () => {
  it("runs out on the first day the balance goes below zero", () => {
    const cash = projectCash(basis, [], [], TODAY, 90);
    expect(cash.runway).toEqual({ kind: "days", days: 11, on: "2025-03-21" });
    expect(cash.balanceAtHorizonMinor).toBe(12_000 - 90 * 1_200);
  });

  it("counts inflows on their day", () => {
    const cash = projectCash(basis, [{ on: "2025-03-15", amountMinor: 12_000 }], [], TODAY, 90);
    expect(cash.runway).toMatchObject({ kind: "days", days: 21 });
  });

  it("is unknown without an opening balance, but still shows the net change", () => {
    const cash = projectCash(
      { ...basis, openingMinor: null },
      [{ on: "2025-03-15", amountMinor: 50_000 }],
      [{ label: "x", end: "2025-03-20" }],
      TODAY,
      30,
    );
    expect(cash.runway.kind).toBe("unknown");
    expect(cash.positions[0]!.balanceMinor).toBe(50_000 - 10 * 1_200);
  });

  it("is beyond the search when nothing is burnt", () => {
    expect(projectCash({ ...basis, monthlyBurnMinor: 0 }, [], [], TODAY, 90).runway.kind).toBe("beyond");
  });

  it("turns an expense series of any frequency into a monthly burn", () => {
    const monthly = [
      { on: "2024-12-01", value: 900 },
      { on: "2025-01-01", value: 1000 },
      { on: "2025-02-01", value: 1100 },
      { on: "2025-03-01", value: 1200 },
    ];
    expect(monthlyFromExpenseSeries(monthly, "month", "2025-03-10")).toBe(110_000);
    const daily = Array.from({ length: 90 }, (_, i) => ({
      on: new Date(Date.UTC(2025, 2, 10 - i)).toISOString().slice(0, 10),
      value: 10,
    }));
    expect(monthlyFromExpenseSeries(daily, "day", "2025-03-10")).toBe(Math.round(10 * (365 / 12) * 100));
  });
});

describe("scenarios", () => {
  const deals = [
    projectDeal(
      deal("Awaiting GR", 1, { id: "a", valueMinor: 12_000, probability: 1, paymentTermsDays: 1 }),
      RULES,
      TODAY,
    ), // paid 2025-03-15
    projectDeal(deal("Under Progress", 2, { id: "b", valueMinor: 500_000 }), RULES, TODAY),
  ];

  it("a 30-day slip moves the deal's money to later buckets and leaves the others alone", () => {
    const slipped = applyScenario(deals, { dealId: "a", slipDays: 30 }, RULES, TODAY);
    expect(slipped[0]!.paidOn).toBe("2025-04-14");
    expect(slipped[0]!.invoiceOn).toBe("2025-04-13");
    expect(slipped[1]).toBe(deals[1]);
    const base = aggregate(deals, "week", { today: TODAY, days: 90 });
    const next = aggregate(slipped, "week", { today: TODAY, days: 90 });
    const iBefore = base.buckets.findIndex((b) => b.start <= "2025-03-15" && "2025-03-15" <= b.end);
    const iAfter = base.buckets.findIndex((b) => b.start <= "2025-04-14" && "2025-04-14" <= b.end);
    expect(iAfter).toBeGreaterThan(iBefore);
    const cashBase = projectCash(basis, collectionInflows(deals), base.buckets, TODAY, 90);
    const cashNext = projectCash(basis, collectionInflows(slipped), next.buckets, TODAY, 90);
    const delta = compareScenario(
      { aggregation: base, cash: cashBase },
      { aggregation: next, cash: cashNext },
    );
    expect(delta.buckets[iBefore]!.collectedWeightedDeltaMinor).toBe(-12_000);
    expect(delta.buckets[iAfter]!.collectedWeightedDeltaMinor).toBe(12_000);
    expect(delta.buckets.reduce((s, b) => s + b.collectedWeightedDeltaMinor, 0)).toBe(0);
    expect(delta.inHorizonCollectedWeightedDeltaMinor).toBe(0);
    // 12 000 opening + 12 000 on day 5 lasts 21 days; arriving on day 35 it comes after the money ran out on day 11.
    expect(cashBase.runway).toMatchObject({ days: 21 });
    expect(cashNext.runway).toMatchObject({ days: 11 });
    expect(delta.runwayDeltaDays).toBe(-10);
  });

  it("a slip past the horizon moves the money out of it", () => {
    const slipped = applyScenario(deals, { dealId: "b", slipDays: 120 }, RULES, TODAY);
    const base = aggregate(deals, "month", { today: TODAY, days: 90 });
    const next = aggregate(slipped, "month", { today: TODAY, days: 90 });
    expect(next.inHorizon.collectedWeightedMinor).toBe(
      base.inHorizon.collectedWeightedMinor - deals[1]!.weightedMinor,
    );
    expect(next.beyond.collectedWeightedMinor).toBe(
      base.beyond.collectedWeightedMinor + deals[1]!.weightedMinor,
    );
  });

  it("an invoiced deal slips its payment only", () => {
    const inv = projectDeal(deal("Invoiced", 5, { id: "c" }), RULES, TODAY);
    const [s] = applyScenario([inv], { dealId: "c", slipDays: 30 }, RULES, TODAY);
    expect(s!.invoiceOn).toBe(inv.invoiceOn);
    expect(s!.paidOn).toBe("2025-05-04");
  });

  it("an earlier slip cannot pull an invoice into the past", () => {
    const [s] = applyScenario(deals, { dealId: "a", slipDays: -30 }, RULES, TODAY);
    expect(s!.invoiceOn).toBe("2025-03-11");
    expect(s!.paidOn > s!.invoiceOn).toBe(true);
  });

  it("bucket ends carry the projected position", () => {
    const b = makeBuckets(TODAY, 30, "week");
    const cash = projectCash(basis, [], b, TODAY, 30);
    expect(cash.positions[0]).toEqual({
      label: b[0]!.label,
      end: "2025-03-16",
      balanceMinor: 12_000 - 6 * 1_200,
    });
  });
});
