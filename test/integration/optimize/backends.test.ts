import { describe, expect, it } from "vitest";
import { generateHardStaffing } from "../../../bench/optimize/hard-staffing.js";
import {
  budgetInputSchema,
  buildInventoryModel,
  buildStaffingModel,
  chooseBackend,
  inventoryInputSchema,
  ModelBuilder,
  solveBudget,
  solveInventory,
  solveModel,
  solveStaffing,
  staffingInputSchema,
} from "../../../src/core/features/optimize/index.js";
import {
  generateBudgetDemo,
  generateInventoryDemo,
  generateStaffingDemo,
} from "../../../src/demo/operations.js";
import { marketSplit } from "./hard-model.js";

describe("both backends agree on the same models", () => {
  it.each([
    [
      "staffing",
      () => solveStaffing(generateStaffingDemo({ seed: 3, employees: 20 }), { backend: "glpk" }),
      () => solveStaffing(generateStaffingDemo({ seed: 3, employees: 20 }), { backend: "highs" }),
    ],
    [
      "inventory",
      () => solveInventory(generateInventoryDemo({ periods: 3 }), { backend: "glpk" }),
      () => solveInventory(generateInventoryDemo({ periods: 3 }), { backend: "highs" }),
    ],
    [
      "budget",
      () => solveBudget(generateBudgetDemo(), { backend: "glpk" }),
      () => solveBudget(generateBudgetDemo(), { backend: "highs" }),
    ],
  ] as const)("%s", async (_, viaGlpk, viaHighs) => {
    const [g, h] = await Promise.all([viaGlpk(), viaHighs()]);
    if (!g.ok || !h.ok) throw new Error("solve failed");
    expect(g.value.status).toBe("optimal");
    expect(h.value.status).toBe("optimal");
    expect(g.value.backend).toBe("glpk");
    expect(h.value.backend).toBe("highs");
    expect(
      Math.abs((g.value.objective ?? 0) - (h.value.objective ?? 1)) / Math.abs(h.value.objective ?? 1),
    ).toBeLessThan(1e-6);
  });
});

describe("time limits", () => {
  it.each(["glpk", "highs"] as const)(
    "a time-limited MILP returns the best plan found and its gap (%s)",
    async (backend) => {
      const res = await solveModel(marketSplit(3), { backend, timeLimitSec: 0.5 });
      if (!res.ok) throw new Error(res.reason.message);
      expect(res.value.status).toBe("feasible-with-gap");
      expect(res.value.values).toHaveLength(48);
      expect(res.value.objective).toBeGreaterThan(0);
      expect(res.value.mipGap).toBeGreaterThan(0);
      expect(res.value.timeMs).toBeLessThan(5000);
    },
  );
});

describe("solver plumbing", () => {
  it("reports unbounded and infeasible LPs as statuses, not errors", async () => {
    const b = new ModelBuilder("open", "max");
    const x = b.addVar("x", { cost: 1 });
    b.addConstraint("floor", [{ v: x, coef: 1 }], { lb: 1 });
    for (const backend of ["glpk", "highs"] as const) {
      const res = await solveModel(b.build(), { backend });
      expect(res.ok && res.value.status).toBe("unbounded");
    }
  });

  it("auto sends LPs to glpk.js and MILPs to glpk.js briefly, then HiGHS; an explicit backend wins", () => {
    const lp = new ModelBuilder("lp", "min");
    lp.addVar("x", { cost: 1 });
    expect(chooseBackend(lp.build(), "auto")).toBe("glpk");
    const inventory = buildInventoryModel(inventoryInputSchema.parse(generateInventoryDemo())).model;
    expect(chooseBackend(inventory, undefined)).toBe("glpk");
    const small = new ModelBuilder("s", "min");
    small.addVar("x", { type: "binary" });
    expect(chooseBackend(small.build(), "auto")).toBe("glpk-then-highs");
    expect(chooseBackend(marketSplit(1, 2, 1600), undefined)).toBe("glpk-then-highs");
    expect(chooseBackend(marketSplit(1, 2, 1600), "glpk")).toBe("glpk");
    expect(chooseBackend(lp.build(), "highs")).toBe("highs");
  });

  it("auto keeps glpk.js's answer for an easy MILP it proves optimal at once", async () => {
    const res = await solveStaffing(generateStaffingDemo({ seed: 3, employees: 20 }));
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("optimal");
    expect(res.value.backend).toBe("glpk");
  });

  it("auto hands a small tight scheduling MILP (105 binaries) that stalls glpk.js to HiGHS", async () => {
    // bench/optimize: glpk.js is still not optimal after 10 s here; HiGHS proves optimality in ~1 s.
    const input = generateHardStaffing({ seed: 42, employees: 5, days: 7 });
    const model = buildStaffingModel(staffingInputSchema.parse(input)).model;
    expect(model.vars.filter((v) => v.type === "binary")).toHaveLength(105);
    const res = await solveStaffing(input, { timeLimitSec: 20 });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.backend).toBe("highs");
    expect(res.value.status).toBe("optimal");
    expect(res.value.objective).toBeCloseTo(3485, 4);
  }, 30_000);

  it("glpk.js stopping at the gap tolerance is optimal within that gap, not a time-limit result", async () => {
    const input = generateHardStaffing({ seed: 42, employees: 10, days: 7 });
    const model = buildStaffingModel(staffingInputSchema.parse(input)).model;
    const res = await solveModel(model, { backend: "glpk", mipGap: 0.05, timeLimitSec: 20 });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("optimal");
    expect(res.value.mipGap).toBeLessThanOrEqual(0.05);
    expect(res.value.timeMs).toBeLessThan(15_000);
  }, 30_000);
});

describe("demo operations data", () => {
  it("validates against the schemas and is deterministic", () => {
    expect(staffingInputSchema.safeParse(generateStaffingDemo()).success).toBe(true);
    expect(inventoryInputSchema.safeParse(generateInventoryDemo()).success).toBe(true);
    expect(budgetInputSchema.safeParse(generateBudgetDemo()).success).toBe(true);
    expect(generateStaffingDemo({ seed: 9 })).toEqual(generateStaffingDemo({ seed: 9 }));
    expect(generateInventoryDemo({ seed: 9 })).toEqual(generateInventoryDemo({ seed: 9 }));
    expect(generateBudgetDemo({ seed: 9 })).toEqual(generateBudgetDemo({ seed: 9 }));
    expect(generateStaffingDemo().employees).toHaveLength(12);
    expect(generateInventoryDemo().products).toHaveLength(25);
    expect(generateBudgetDemo().channels).toHaveLength(5);
  });

  it("budget schema rejects rising returns, naming the segment", () => {
    const r = budgetInputSchema.safeParse({
      totalBudget: 10,
      channels: [
        {
          key: "a",
          segments: [
            { spend: 1, returnPerUnit: 1 },
            { spend: 1, returnPerUnit: 2 },
          ],
        },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["channels.0.segments.1.returnPerUnit"]);
  });
});
