import type { Result } from "../../kernel/errors.js";
import { plural } from "../../kernel/text.js";
import { clean, money, num } from "./format.js";
import { ModelBuilder, type Term } from "./model.js";
import { type OptimizeResult, type RunSpec, runProblem } from "./result.js";
import type { OptimizeFailure } from "./solve.js";
import type { SolveOptions } from "./solver-types.js";
import { type StaffingData, type StaffingPlan, staffingInputSchema } from "./staffing-schema.js";
import { parseInput } from "./validate.js";

type Grid = (number | undefined)[][][]; // [employee][day][shift] → var index, undefined = unavailable

function isAvailable(e: StaffingData["employees"][number], day: string, shift: string): boolean {
  return !e.unavailable.some((u) => u.day === day && (u.shift === undefined || u.shift === shift));
}

/** Preference penalty for one assignment: the sum of every matching `penalties` entry. */
function penaltyOf(e: StaffingData["employees"][number], day: string, shift: string): number {
  let p = 0;
  for (const x of e.penalties)
    if ((x.day === undefined || x.day === day) && (x.shift === undefined || x.shift === shift))
      p += x.penalty;
  return p;
}

function slotName(data: StaffingData, day: string, shiftKey: string): string {
  const shift = data.shifts.find((s) => s.key === shiftKey);
  return `${day} ${(shift?.label ?? shiftKey).toLowerCase()}`;
}

function restRules(data: StaffingData): { after: string; before: string }[] {
  if (data.restRules) return data.restRules;
  const keys = new Set(data.shifts.map((s) => s.key));
  return keys.has("night") && keys.has("morning") ? [{ after: "night", before: "morning" }] : [];
}

/** Builds the scheduling MILP: one binary per (available employee, day, shift). */
export function buildStaffingModel(data: StaffingData): RunSpec<StaffingPlan> {
  const b = new ModelBuilder("staffing", "min");
  const grid: Grid = data.employees.map((e, ei) =>
    data.days.map((day, di) =>
      data.shifts.map((s, si) =>
        // Unavailable slots get no variable at all: smaller model, and availability needs no rows.
        isAvailable(e, day, s.key)
          ? b.addVar(`x_${ei}_${di}_${si}`, {
              type: "binary",
              cost: e.hourlyCost * s.hours + penaltyOf(e, day, s.key),
            })
          : undefined,
      ),
    ),
  );
  const at = (ei: number, di: number, si: number) => grid[ei]?.[di]?.[si];
  const shiftIndex = new Map(data.shifts.map((s, i) => [s.key, i]));
  const dayIndex = new Map(data.days.map((d, i) => [d, i]));
  const preCheck: string[] = [];

  data.demand.forEach((d, k) => {
    const di = dayIndex.get(d.day) ?? -1;
    const si = shiftIndex.get(d.shift) ?? -1;
    const terms: Term[] = [];
    data.employees.forEach((e, ei) => {
      const v = at(ei, di, si);
      if (v !== undefined && (d.role === undefined || e.role === d.role)) terms.push({ v, coef: 1 });
    });
    const who = d.role ? `${d.role} staff` : "staff";
    const label = slotName(data, d.day, d.shift);
    if (terms.length < d.count) {
      preCheck.push(
        `${label} needs ${d.count} ${who}, only ${terms.length} ${terms.length === 1 ? "is" : "are"} available.`,
      );
    }
    b.addConstraint(
      `demand_${k}`,
      terms,
      { lb: d.count },
      {
        label,
        unit: "staff",
        requirement: {
          describeShortfall: (a) =>
            `${label} needs ${d.count} ${who}, but with the weekly limits and rest rules only ${Math.max(0, d.count - Math.round(a))} can be scheduled.`,
        },
      },
    );
  });

  const rules = restRules(data);
  data.employees.forEach((e, ei) => {
    data.days.forEach((_, di) => {
      const today = data.shifts.map((_, si) => at(ei, di, si)).filter((v): v is number => v !== undefined);
      if (today.length > 1)
        b.addConstraint(
          `oneshift_${ei}_${di}`,
          today.map((v) => ({ v, coef: 1 })),
          { ub: 1 },
        );
      for (const r of rules) {
        const a = at(ei, di, shiftIndex.get(r.after) ?? -1);
        const n = at(ei, di + 1, shiftIndex.get(r.before) ?? -1);
        if (a !== undefined && n !== undefined)
          b.addConstraint(
            `rest_${ei}_${di}_${r.after}`,
            [
              { v: a, coef: 1 },
              { v: n, coef: 1 },
            ],
            { ub: 1 },
          );
      }
    });
    for (let w = 0; w * 7 < data.days.length; w++) {
      const shifts: Term[] = [];
      const hours: Term[] = [];
      for (let di = w * 7; di < Math.min(data.days.length, w * 7 + 7); di++) {
        data.shifts.forEach((s, si) => {
          const v = at(ei, di, si);
          if (v === undefined) return;
          shifts.push({ v, coef: 1 });
          hours.push({ v, coef: s.hours });
        });
      }
      if (shifts.length > e.maxShiftsPerWeek)
        b.addConstraint(`maxshifts_${ei}_${w}`, shifts, { ub: e.maxShiftsPerWeek });
      if (e.maxHoursPerWeek !== undefined)
        b.addConstraint(`maxhours_${ei}_${w}`, hours, { ub: e.maxHoursPerWeek });
    }
  });

  return {
    problem: "staffing",
    model: b.build(),
    objectiveLabel: data.employees.some((e) => e.penalties.length > 0)
      ? "total wage cost plus preference penalties"
      : "total wage cost",
    currency: data.currency,
    preCheck,
    readPlan: (values) => readStaffingPlan(data, grid, values),
    summarize: (plan) => summarizeStaffing(plan, data),
  };
}

function readStaffingPlan(data: StaffingData, grid: Grid, values: number[]): StaffingPlan {
  const assignments: StaffingPlan["assignments"] = [];
  const employees = data.employees.map((e) => ({ id: e.id, name: e.name, shifts: 0, hours: 0, cost: 0 }));
  data.employees.forEach((e, ei) => {
    data.days.forEach((day, di) => {
      data.shifts.forEach((s, si) => {
        const v = grid[ei]?.[di]?.[si];
        if (v === undefined || (values[v] ?? 0) < 0.5) return;
        assignments.push({
          day,
          shift: s.key,
          employeeId: e.id,
          name: e.name,
          ...(e.role ? { role: e.role } : {}),
        });
        const row = employees[ei];
        if (row) {
          row.shifts += 1;
          row.hours += s.hours;
          row.cost += s.hours * e.hourlyCost;
        }
      });
    });
  });
  const roleOf = new Map(data.employees.map((e) => [e.id, e.role]));
  const slots = data.demand.map((d) => {
    const names = assignments
      .filter(
        (a) =>
          a.day === d.day &&
          a.shift === d.shift &&
          (d.role === undefined || roleOf.get(a.employeeId) === d.role),
      )
      .map((a) => a.name);
    return {
      day: d.day,
      shift: d.shift,
      ...(d.role ? { role: d.role } : {}),
      required: d.count,
      assigned: names.length,
      names,
    };
  });
  const totalCost = clean(
    employees.reduce((s, e) => s + e.cost, 0),
    2,
  );
  return {
    assignments,
    slots,
    employees: employees.map((e) => ({ ...e, cost: clean(e.cost, 2) })),
    totalCost,
  };
}

function summarizeStaffing(plan: StaffingPlan, data: StaffingData): string[] {
  const used = plan.employees.filter((e) => e.shifts > 0).length;
  const over = plan.slots.filter((s) => s.assigned > s.required).length;
  const out = [
    `${plural(plan.assignments.length, "shift")} over ${plural(data.days.length, "day")} for ${used} of ${data.employees.length} people; wage cost ${money(plan.totalCost, data.currency)}.`,
  ];
  if (over > 0)
    out.push(
      `${over} slot(s) get more people than required, because a cheaper combination was not possible.`,
    );
  const busiest = [...plan.employees].sort((a, b) => b.hours - a.hours)[0];
  if (busiest && busiest.hours > 0)
    out.push(`Busiest: ${busiest.name} with ${plural(busiest.shifts, "shift")} (${num(busiest.hours)} h).`);
  return out;
}

/**
 * Schedules employees × days × shifts at minimum wage cost: demand per slot, availability, weekly
 * shift/hour limits, one shift per day, no night shift followed by a morning shift. Never throws.
 */
export async function solveStaffing(
  input: unknown,
  opts: SolveOptions = {},
): Promise<Result<OptimizeResult<StaffingPlan>, OptimizeFailure>> {
  const parsed = parseInput(staffingInputSchema, input, "staffing");
  if (!parsed.ok) return parsed;
  return runProblem(() => buildStaffingModel(parsed.value), opts);
}
