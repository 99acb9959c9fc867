import { describe, expect, it } from "vitest";
import { solveBudget, solveInventory } from "../../../src/core/features/optimize/index.js";

const backends = ["glpk", "highs"] as const;

// One product, demand 100, capacity for 60 units: order 60, 40 short.
// Cost = 60·5 + 40·20 = 1,100; one more m³ (= one more unit) saves 20 − 5 = $15.
const oneProduct = {
  warehouse: { capacity: 60, unit: "m³" },
  budget: 10_000,
  products: [
    { sku: "A", name: "Widget", demand: 100, unitCost: 5, holdingCost: 1, stockoutCost: 20, volume: 1 },
  ],
};

describe.each(backends)("LPs with known optimum and shadow prices (%s)", (backend) => {
  it("inventory: capacity binds and its shadow price is explained in money", async () => {
    const res = await solveInventory(oneProduct, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    const r = res.value;
    expect(r.status).toBe("optimal");
    expect(r.backend).toBe(backend);
    expect(r.objective).toBeCloseTo(1100, 6);
    expect(r.plan?.lines[0]).toMatchObject({ order: 60, unmetDemand: 40, endingStock: 0 });
    expect(r.binding).toHaveLength(1);
    expect(r.binding[0]?.improvementPerUnit).toBeCloseTo(15, 6);
    expect(r.explanation).toContain("The warehouse capacity is binding: one more m³ would save $15.00.");
  });

  it("inventory: a tight budget binds instead", async () => {
    // $200 buys 40 units; each extra dollar buys 1/5 unit that saves $20 of stockout → $4 per $.
    const res = await solveInventory({ ...oneProduct, budget: 200 }, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.objective).toBeCloseTo(200 + 60 * 20, 6);
    expect(res.value.binding.map((b) => b.label)).toEqual(["the purchase budget"]);
    expect(res.value.binding[0]?.improvementPerUnit).toBeCloseTo(3, 6);
  });

  it("inventory over two periods carries stock forward when it is cheaper", async () => {
    const res = await solveInventory(
      {
        periods: 2,
        warehouse: { capacity: 1000 },
        budget: 10_000,
        products: [
          {
            sku: "B",
            demand: [10, 30],
            unitCost: 2,
            holdingCost: 0.5,
            stockoutCost: 50,
            volume: 1,
            maxOrder: 20,
          },
        ],
      },
      { backend },
    );
    if (!res.ok) throw new Error(res.reason.message);
    // Period 2 can only receive 20, so 10 are bought early and held one period.
    expect(res.value.plan?.lines.map((l) => [l.order, l.endingStock])).toEqual([
      [20, 10],
      [20, 0],
    ]);
    expect(res.value.objective).toBeCloseTo(80 + 5, 6);
  });

  it("budget: fills the best segments first; the budget's shadow price is the marginal return", async () => {
    const res = await solveBudget(
      {
        totalBudget: 250,
        channels: [
          {
            key: "a",
            name: "Search",
            segments: [
              { spend: 100, returnPerUnit: 3 },
              { spend: 100, returnPerUnit: 1 },
            ],
          },
          {
            key: "b",
            name: "Social",
            segments: [
              { spend: 100, returnPerUnit: 2 },
              { spend: 100, returnPerUnit: 0.5 },
            ],
          },
        ],
      },
      { backend },
    );
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.objective).toBeCloseTo(550, 6);
    expect(res.value.plan?.channels.map((c) => c.spend)).toEqual([150, 100]);
    expect(res.value.explanation).toContain(
      "The total budget is binding: one more $1.00 would add $1.00 of return ($1,000 per $1,000).",
    );
  });

  it("budget: channel minimums above the budget are reported as the unmet requirement", async () => {
    const res = await solveBudget(
      {
        totalBudget: 100,
        channels: [
          { key: "a", min: 80, segments: [{ spend: 200, returnPerUnit: 2 }] },
          { key: "b", min: 50, segments: [{ spend: 200, returnPerUnit: 1 }] },
        ],
      },
      { backend },
    );
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("infeasible");
    expect(res.value.plan).toBeNull();
    expect(res.value.unmet).toEqual(["The channel minimums add up to $130, more than the $100 budget."]);
  });
});
