import { describe, expect, it } from "vitest";
import {
  aggregate,
  type DealProjection,
  makeBuckets,
  projectDeal,
} from "../../../src/core/features/cashflow/index.js";
import { deal, RULES, TODAY } from "./fixtures.js";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A mixed pipeline with odd values so weighting rounds differently per deal. */
function pipeline(): DealProjection[] {
  const specs: [string, number, number][] = [
    ["Lead", 3, 1_234_567],
    ["Negotiation", 20, 333_333],
    ["Order Received", 3, 4_125_000],
    ["Order Received", 75, 777_777],
    ["Production/Supplying", 10, 999_999],
    ["Under Progress", 2, 505_050],
    ["Awaiting GR", 1, 12_345],
    ["Awaiting GR", 30, 80_001],
    ["Invoiced", 9, 250_000],
    ["Invoiced", 120, 61_111],
  ];
  return specs.map(([stage, days, valueMinor], i) =>
    projectDeal(
      deal(stage, days, { id: `d${i}`, valueMinor, paymentTermsDays: i % 2 ? null : 30 }),
      RULES,
      TODAY,
    ),
  );
}

describe("aggregation into buckets", () => {
  for (const kind of ["week", "month"] as const) {
    for (const days of [30, 90, 365]) {
      it(`${kind}ly buckets over ${days} days add up to the deal totals, weighted and unweighted`, () => {
        const ps = pipeline();
        const a = aggregate(ps, kind, { today: TODAY, days });
        for (const k of [
          "invoicedMinor",
          "invoicedWeightedMinor",
          "collectedMinor",
          "collectedWeightedMinor",
          "invoiceCount",
          "paymentCount",
        ] as const) {
          expect(sum(a.buckets.map((b) => b[k]))).toBe(a.inHorizon[k]);
        }
        expect(a.inHorizon.collectedMinor + a.beyond.collectedMinor + a.past.collectedMinor).toBe(
          sum(ps.map((p) => p.valueMinor)),
        );
        expect(
          a.inHorizon.collectedWeightedMinor +
            a.beyond.collectedWeightedMinor +
            a.past.collectedWeightedMinor,
        ).toBe(sum(ps.map((p) => p.weightedMinor)));
        expect(
          a.inHorizon.invoicedWeightedMinor + a.beyond.invoicedWeightedMinor + a.past.invoicedWeightedMinor,
        ).toBe(sum(ps.map((p) => p.weightedMinor)));
        const expectedIn = ps.filter((p) => p.paidOn > "2025-03-10" && p.paidOn <= a.to);
        expect(a.inHorizon.collectedWeightedMinor).toBe(sum(expectedIn.map((p) => p.weightedMinor)));
        expect(a.inHorizon.paymentCount).toBe(expectedIn.length);
      });
    }
  }

  it("counts already-issued invoices as past, never in a future bucket", () => {
    const a = aggregate(pipeline(), "month", { today: TODAY, days: 90 });
    expect(a.past.invoiceCount).toBe(2);
    expect(a.past.collectedMinor).toBe(0);
  });

  it("cuts weeks Monday to Sunday and clips the first and last to the window", () => {
    const b = makeBuckets(TODAY, 30, "week");
    expect(b[0]).toMatchObject({ start: "2025-03-11", end: "2025-03-16" });
    expect(b[1]).toMatchObject({ start: "2025-03-17", end: "2025-03-23", label: "Week of 2025-03-17" });
    expect(b.at(-1)).toMatchObject({ start: "2025-04-07", end: "2025-04-09" });
    expect(b).toHaveLength(5);
  });

  it("cuts calendar months, clipped to the window", () => {
    const b = makeBuckets(TODAY, 90, "month");
    expect(b.map((x) => [x.label, x.start, x.end])).toEqual([
      ["Mar 2025", "2025-03-11", "2025-03-31"],
      ["Apr 2025", "2025-04-01", "2025-04-30"],
      ["May 2025", "2025-05-01", "2025-05-31"],
      ["Jun 2025", "2025-06-01", "2025-06-08"],
    ]);
  });

  it("puts the same payment in its week and in its month", () => {
    const p = projectDeal(deal("Awaiting GR", 1, { valueMinor: 100_000 }), RULES, TODAY); // paid 2025-04-13 (Sunday)
    expect(p.paidOn).toBe("2025-04-13");
    const w = aggregate([p], "week", { today: TODAY, days: 90 });
    const m = aggregate([p], "month", { today: TODAY, days: 90 });
    expect(w.buckets.find((b) => b.collectedMinor > 0)?.label).toBe("Week of 2025-04-07");
    expect(m.buckets.find((b) => b.collectedMinor > 0)?.label).toBe("Apr 2025");
    expect(w.buckets.filter((b) => b.collectedMinor > 0)).toHaveLength(1);
  });
});
