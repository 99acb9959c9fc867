import { describe, expect, it } from "vitest";
import {
  medianRunwayDays,
  probabilityNegativeBy,
  type SimInput,
  simulateCash,
} from "../../../src/core/features/cashflow/simulate.js";

const base: SimInput = {
  openingMinor: 100_000,
  monthlyBurnMinor: 0,
  burnSdMinor: 0,
  deals: [],
  receivables: [],
  delays: { samples: [], byCustomer: new Map(), prior: 3 },
  timingSigma: 0,
  checkpoints: [0, 30, 60, 90],
  runwayDays: 365,
  horizonDays: 90,
  paths: 4000,
  seed: 42,
};
/** 4 standard errors of a share estimated from `n` paths. */
const tol = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

describe("cash simulation against closed-form cases", () => {
  it("one deal won with probability 0.3: the share of paths that get the money is 0.3", () => {
    const r = simulateCash({
      ...base,
      deals: [
        {
          id: "d",
          label: "D",
          valueMinor: 50_000,
          winProbability: 0.3,
          invoiceDay: 10,
          termsDays: 20,
          customerKey: "x",
        },
      ],
    });
    const day90 = r.bands.find((b) => b.day === 90)!;
    // P10/P50 paths did not win (0.3 < 0.5); P90 did.
    expect(day90.p50).toBe(100_000);
    expect(day90.p90).toBe(150_000);
    const share = (day90.mean - 100_000) / 50_000;
    expect(Math.abs(share - 0.3)).toBeLessThan(tol(0.3, 4000));
    expect(r.drivers[0]!.pArrive).toBeCloseTo(share, 10);
    // Paid on invoice day + terms = day 30, not before.
    expect(r.bands.find((b) => b.day === 0)!.p90).toBe(100_000);
    expect(r.bands.find((b) => b.day === 30)!.p90).toBe(150_000);
  });

  it("a won deal with probability 0.8 moves the median", () => {
    const r = simulateCash({
      ...base,
      deals: [
        {
          id: "d",
          label: "D",
          valueMinor: 50_000,
          winProbability: 0.8,
          invoiceDay: 10,
          termsDays: 20,
          customerKey: "x",
        },
      ],
    });
    expect(r.bands.find((b) => b.day === 90)!.p50).toBe(150_000);
    expect(r.bands.find((b) => b.day === 90)!.p10).toBe(100_000);
  });

  it("with only burn, runway is balance ÷ daily burn in every path and the chance below zero is a step", () => {
    const r = simulateCash({ ...base, openingMinor: 12_000, monthlyBurnMinor: 36_500 });
    // 36,500 a month = 1,200 a day (× 12 / 365): 12,000 lasts 10 days, negative on day 11.
    expect(medianRunwayDays(r)).toBe(11);
    expect(probabilityNegativeBy(r, 10)).toBe(0);
    expect(probabilityNegativeBy(r, 11)).toBe(1);
  });

  it("no burn and no risk: runway beyond the window, balance flat", () => {
    const r = simulateCash(base);
    expect(medianRunwayDays(r)).toBeNull();
    expect(r.bands.every((b) => b.p10 === 100_000 && b.p90 === 100_000)).toBe(true);
  });

  it("an overdue invoice is never expected before tomorrow and follows the history of lateness", () => {
    // Past invoices were paid 40 days late; this one is 10 days overdue: expect it ~30 days from now.
    const r = simulateCash({
      ...base,
      receivables: [{ id: "i", label: "INV-1", outstandingMinor: 10_000, dueDay: -10, customerKey: "acme" }],
      delays: { samples: [40], byCustomer: new Map(), prior: 3 },
      checkpoints: [1, 29, 30],
    });
    expect(r.bands.find((b) => b.day === 1)!.p90).toBe(100_000);
    expect(r.bands.find((b) => b.day === 29)!.p90).toBe(100_000);
    expect(r.bands.find((b) => b.day === 30)!.p10).toBe(110_000);
  });

  it("a customer's own history outweighs the tenant's as it grows", () => {
    const input = (n: number): SimInput => ({
      ...base,
      receivables: [{ id: "i", label: "INV", outstandingMinor: 10_000, dueDay: 5, customerKey: "slow" }],
      delays: { samples: [0], byCustomer: new Map([["slow", { n, samples: [60] }]]), prior: 3 },
      checkpoints: [5, 65],
    });
    const paidOnTime = (n: number) => {
      const r = simulateCash(input(n));
      return (r.bands.find((b) => b.day === 5)!.mean - 100_000) / 10_000;
    };
    // Weight of the customer's history = n / (n + 3): 1 invoice → 25 %, 27 → 90 %.
    expect(Math.abs(paidOnTime(1) - 0.75)).toBeLessThan(tol(0.75, 4000));
    expect(Math.abs(paidOnTime(27) - 0.1)).toBeLessThan(tol(0.1, 4000));
  });

  it("is reproducible: the same seed gives the same bands; a scenario on common random numbers only moves its deal", () => {
    const deals = Array.from({ length: 30 }, (_, i) => ({
      id: `d${i}`,
      label: `D${i}`,
      valueMinor: 10_000 + i * 1000,
      winProbability: 0.5,
      invoiceDay: 5 + i,
      termsDays: 30,
      customerKey: `c${i % 4}`,
    }));
    const a = simulateCash({ ...base, deals, timingSigma: 0.3 });
    const b = simulateCash({ ...base, deals, timingSigma: 0.3 });
    expect(a.bands).toEqual(b.bands);
    // Moving one deal past the horizon lowers the day-90 mean by about its expected value, never raises it.
    const slipped = simulateCash({
      ...base,
      timingSigma: 0.3,
      deals: deals.map((d) => (d.id === "d0" ? { ...d, invoiceDay: d.invoiceDay + 200 } : d)),
    });
    const drop = a.bands.at(-1)!.mean - slipped.bands.at(-1)!.mean;
    expect(drop).toBeGreaterThan(0);
    expect(Math.abs(drop - 5_000)).toBeLessThan(4 * 5_000 * Math.sqrt(1 / 4000) * 2);
  });

  it("ranks drivers by how much they swing the balance: a coin-flip big deal before a sure small one", () => {
    const r = simulateCash({
      ...base,
      deals: [
        {
          id: "sure",
          label: "Sure",
          valueMinor: 5_000,
          winProbability: 0.99,
          invoiceDay: 1,
          termsDays: 1,
          customerKey: "a",
        },
        {
          id: "flip",
          label: "Flip",
          valueMinor: 80_000,
          winProbability: 0.5,
          invoiceDay: 1,
          termsDays: 1,
          customerKey: "b",
        },
      ],
    });
    expect(r.drivers.map((d) => d.id)).toEqual(["flip", "sure"]);
    expect(r.drivers[0]!.impactMinor).toBeGreaterThan(39_000);
  });
});
