import { describe, expect, it } from "vitest";
import {
  collectionsHistory,
  forecastCollections,
  makeBuckets,
  trailingMonthlyCollections,
} from "../../../src/core/features/cashflow/index.js";
import { TODAY } from "./fixtures.js";

describe("collections history", () => {
  const payments = [
    { paidOn: "2024-11-20", amountMinor: 100 },
    { paidOn: "2025-01-02", amountMinor: 300 },
    { paidOn: "2025-01-31", amountMinor: 5 },
    { paidOn: "2025-03-03", amountMinor: 40 },
  ];

  it("sums complete months, fills gaps with 0 and keeps the running month apart", () => {
    const h = collectionsHistory(payments, "month", TODAY);
    expect(h.periods).toEqual([
      { start: "2024-11-01", amountMinor: 100 },
      { start: "2024-12-01", amountMinor: 0 },
      { start: "2025-01-01", amountMinor: 305 },
      { start: "2025-02-01", amountMinor: 0 },
    ]);
    expect(h.currentToDateMinor).toBe(40);
    expect(trailingMonthlyCollections(payments, TODAY)).toBe(Math.round(305 / 3));
  });

  it("says why when there is too little history to forecast", async () => {
    const h = collectionsHistory(payments, "month", TODAY);
    const f = await forecastCollections(h, makeBuckets(TODAY, 90, "month"), "month", TODAY);
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.reason).toMatch(/at least/);
  });

  it("forecasts each bucket, pro-rated for clipped periods", async () => {
    const weekly = Array.from({ length: 40 }, (_, i) => ({
      paidOn: new Date(Date.UTC(2025, 2, 3 - 7 * i)).toISOString().slice(0, 10),
      amountMinor: 70_000,
    }));
    const buckets = makeBuckets(TODAY, 30, "week");
    const f = await forecastCollections(collectionsHistory(weekly, "week", TODAY), buckets, "week", TODAY);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    // A constant 70 000 a week: 6 of 7 days in the first (clipped) week, whole weeks after.
    expect(f.byBucket[0]!.pointMinor).toBe(60_000);
    expect(f.byBucket[1]!.pointMinor).toBe(70_000);
    expect(f.byBucket.at(-1)!.pointMinor).toBe(30_000);
  });
});
