import { describe, expect, it } from "vitest";
import { calibrate } from "../../src/core/features/cashflow/index.js";
import { pPaidWithin, rankByCashImpact } from "../../src/core/features/collections/index.js";

// Tenant: ten paid invoices 0..90 days late; "slowco": four paid 60+ days late.
const history = {
  closed: [],
  stays: [],
  paid: [
    ...[0, 5, 10, 15, 20, 25, 30, 45, 60, 90].map((lateDays) => ({ customer: "Other", lateDays })),
    ...[60, 70, 80, 90].map((lateDays) => ({ customer: "SlowCo", lateDays })),
  ],
};
const cal = calibrate(history, []);
const inv = (number: string, customer: string, outstandingMinor: number, daysOverdue: number) => ({
  id: number,
  number,
  customer,
  outstandingMinor,
  currency: "USD",
  daysOverdue,
});

describe("collections: cash impact of an overdue invoice", () => {
  it("conditions on the invoice being unpaid so far, from the tenant's history (closed form)", () => {
    // Unknown customer, 20 days overdue: tenant samples > 20 are 25,30,45,60,90 (and SlowCo's 60,70,80,90);
    // of those 9, the ones ≤ 50 are 25, 30, 45 → 3/9.
    expect(pPaidWithin(cal, "Newcomer", 20).p).toBeCloseTo(3 / 9, 10);
  });

  it("mixes a customer's own history with the tenant's by n / (n + prior)", () => {
    const w = 4 / (4 + cal.prior.customer);
    // SlowCo at 20 days: own samples > 20 all ≤ 50? none (60..90) → 0; tenant 3/9.
    expect(pPaidWithin(cal, "slowco ", 20)).toEqual({ p: w * 0 + (1 - w) * (3 / 9), n: 4 });
  });

  it("later than anything on record: ~63 % within 30 more days (the simulation's exponential tail)", () => {
    expect(pPaidWithin(cal, "Newcomer", 200).p).toBeCloseTo(1 - Math.exp(-1), 10);
  });

  it("ranks by money at stake, not by amount alone: a slow payer's smaller invoice can come first", () => {
    const ranked = rankByCashImpact(cal, [
      inv("A-1", "Other", 1_000_000, 1),
      inv("S-1", "SlowCo", 900_000, 20),
    ]);
    expect(ranked.map((r) => r.number)).toEqual(["S-1", "A-1"]);
    for (const r of ranked) expect(r.impactMinor).toBe(Math.round(r.outstandingMinor * (1 - r.pPaidSoon)));
  });

  it("breaks ties by amount, then days overdue, then number (deterministic)", () => {
    const a = inv("B-2", "Newcomer", 500_000, 200);
    const b = inv("B-1", "Newcomer", 500_000, 200);
    expect(rankByCashImpact(cal, [a, b]).map((r) => r.number)).toEqual(["B-1", "B-2"]);
  });

  it("with no payment history at all it still ranks (exponential tail only)", () => {
    const empty = calibrate({ closed: [], stays: [], paid: [] }, []);
    const r = rankByCashImpact(empty, [inv("X", "Y", 100_000, 10)])[0]!;
    expect(r.pPaidSoon).toBeCloseTo(1 - Math.exp(-1), 10);
  });
});
