import { describe, expect, it } from "vitest";
import {
  describePlan,
  type StaffingInput,
  solveStaffing,
} from "../../../src/core/features/optimize/index.js";
import { generateStaffingDemo } from "../../../src/demo/operations.js";

const shifts = [
  { key: "morning", label: "Morning", hours: 8 },
  { key: "evening", label: "Evening", hours: 8 },
  { key: "night", label: "Night", hours: 8 },
];
const person = (id: string, hourlyCost: number, maxShiftsPerWeek = 5) => ({
  id,
  name: id.toUpperCase(),
  hourlyCost,
  maxShiftsPerWeek,
});

describe.each(["glpk", "highs"] as const)("staff scheduling (%s)", (backend) => {
  it("picks the cheapest people and respects the rest rule", async () => {
    const input: StaffingInput = {
      days: ["Mon", "Tue"],
      shifts,
      employees: [person("a", 10), person("b", 20), person("c", 30)],
      demand: [
        { day: "Mon", shift: "night", count: 1 },
        { day: "Tue", shift: "morning", count: 1 },
      ],
    };
    const res = await solveStaffing(input, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    // The cheapest person cannot do Mon night then Tue morning: A + B = 8·10 + 8·20.
    expect(res.value.status).toBe("optimal");
    expect(res.value.objective).toBeCloseTo(240, 6);
    expect(res.value.plan?.assignments.map((a) => `${a.day} ${a.shift} ${a.employeeId}`).sort()).toHaveLength(
      2,
    );
    expect(res.value.mipGap).toBe(0);
  });

  it("adds preference penalties to the objective, not to the wages", async () => {
    // A is cheaper by 8·(12−10) = 16 but dislikes nights (penalty 20): B takes the night.
    const input: StaffingInput = {
      days: ["Mon"],
      shifts,
      employees: [{ ...person("a", 10), penalties: [{ shift: "night", penalty: 20 }] }, person("b", 12)],
      demand: [{ day: "Mon", shift: "night", count: 1 }],
    };
    const res = await solveStaffing(input, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("optimal");
    expect(res.value.plan?.assignments.map((a) => a.employeeId)).toEqual(["b"]);
    expect(res.value.objective).toBeCloseTo(96, 6);
    expect(res.value.plan?.totalCost).toBeCloseTo(96, 6);
    expect(res.value.objectiveLabel).toBe("total wage cost plus preference penalties");
  });

  it("names the slot that cannot be staffed (simple count)", async () => {
    const input: StaffingInput = {
      days: ["Mon", "Tue"],
      shifts,
      employees: [
        person("a", 10),
        person("b", 10),
        person("c", 10),
        { ...person("d", 10), unavailable: [{ day: "Tue" }] },
      ],
      demand: [{ day: "Tue", shift: "night", count: 4 }],
    };
    const res = await solveStaffing(input, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("infeasible");
    expect(res.value.unmet).toEqual(["Tue night needs 4 staff, only 3 are available."]);
    expect(describePlan(res.value)).toContain("Tue night needs 4 staff, only 3 are available.");
  });

  it("finds the unmeetable slot with the elastic model when counts look fine", async () => {
    // Each slot alone has 2 people available, but weekly limits allow only 3 shifts in total.
    const input: StaffingInput = {
      days: ["Mon", "Tue"],
      shifts,
      employees: [person("a", 10, 2), person("b", 12, 1)],
      demand: [
        { day: "Mon", shift: "morning", count: 2 },
        { day: "Tue", shift: "evening", count: 2 },
      ],
    };
    const res = await solveStaffing(input, { backend });
    if (!res.ok) throw new Error(res.reason.message);
    expect(res.value.status).toBe("infeasible");
    expect(res.value.unmet).toHaveLength(1);
    expect(res.value.unmet[0]).toMatch(
      /^(Mon morning|Tue evening) needs 2 staff, but with the weekly limits and rest rules only 1 can be scheduled\.$/,
    );
  });
});

describe("staff scheduling limits and validation", () => {
  it("refuses problems above the size limit, stating it", async () => {
    const big = generateStaffingDemo({ seed: 1, employees: 200, days: 56 });
    const res = await solveStaffing(big);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason.code).toBe("too_large");
    expect(res.reason.message).toMatch(/the limit is 20,000/);
  });

  it("names the wrong field", async () => {
    const input = generateStaffingDemo();
    const employees = [...(input.employees ?? [])] as unknown[];
    employees[1] = { ...(employees[1] as object), hourlyCost: "cheap" };
    const res = await solveStaffing({ ...input, employees });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason.code).toBe("bad_input");
    expect(res.reason.issues?.map((i) => i.path)).toEqual(["employees.1.hourlyCost"]);
  });

  it("reports unknown penalty days and shifts by path", async () => {
    const input = generateStaffingDemo();
    const employees = [...(input.employees ?? [])] as unknown[];
    employees[0] = {
      ...(employees[0] as object),
      penalties: [{ day: "Funday", shift: "brunch", penalty: 5 }],
    };
    const res = await solveStaffing({ ...input, employees });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason.issues?.map((i) => i.path)).toEqual([
      "employees.0.penalties.0.day",
      "employees.0.penalties.0.shift",
    ]);
  });

  it("reports unknown days and shifts by path", async () => {
    const input = generateStaffingDemo();
    const res = await solveStaffing({ ...input, demand: [{ day: "Funday", shift: "brunch", count: 1 }] });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason.issues?.map((i) => i.path)).toEqual(["demand.0.day", "demand.0.shift"]);
  });
});
