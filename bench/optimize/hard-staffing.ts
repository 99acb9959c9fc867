/**
 * Reference-hardness staffing instances for the optimisation benchmark (issue bar: "30×7×3, 810
 * binaries — glpk.js 2.1 s, glpsol 1.4 s"). Unlike `generateStaffingDemo` (sparse availability,
 * loose demand, every solver < 0.3 s) these have:
 *   - full availability: every (employee, day, shift) is a binary (30×7×3 = 630, 60×14×3 = 2,520);
 *   - heterogeneous hourly costs by role plus per-person preference penalties (disliked shift
 *     types, disliked days), so the LP relaxation is fractional and ties are few;
 *   - per-slot demand with role coverage (≥ 1 supervisor and a cook quota in every slot) on top of
 *     the head count, sized to ~90 % of the weekly shift capacity;
 *   - 8/7/10-hour morning/evening/night shifts under 4–5 shifts and 32–40 h per week (a knapsack),
 *     one shift per day, no night followed by a morning (the default rest rule).
 * The model has no auxiliary variables: binaries = employees × days × 3.
 * Seeded and deterministic.
 */

import type { StaffingInput } from "../../src/core/features/optimize/index.js";
import { mulberry32, pick, randInt } from "../../src/demo/random.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const SHIFTS = ["morning", "evening", "night"] as const;

export interface HardStaffingOptions {
  seed?: number;
  employees?: number;
  days?: number;
  /** Share of the weekly shift capacity the demand needs (default 0.9). */
  load?: number;
  /** One supervisor in every `supervisorEvery` people (default 5); fewer supervisors = tighter cover. */
  supervisorEvery?: number;
  /** Contracted weekly hours drawn per person (default 32/36/40/40). */
  hours?: readonly number[];
}

export function generateHardStaffing(opts: HardStaffingOptions = {}): StaffingInput {
  const rng = mulberry32(opts.seed ?? 42);
  const n = opts.employees ?? 30;
  const nDays = opts.days ?? 7;
  const load = opts.load ?? 0.9;
  const days = Array.from({ length: nDays }, (_, d) =>
    nDays <= 7 ? (WEEKDAYS[d % 7] ?? "") : `${WEEKDAYS[d % 7]} w${Math.floor(d / 7) + 1}`,
  );
  // Role mix: 1 in `supervisorEvery` supervisors, 1 in 3 cooks, the rest baristas (interleaved so seeds shuffle costs, not roles).
  const every = opts.supervisorEvery ?? 5;
  const roleOf = (i: number) => (i % every === 0 ? "supervisor" : i % 3 === 1 ? "cook" : "barista");
  const baseWage = { barista: [16, 22], cook: [18, 26], supervisor: [24, 32] } as const;
  let capacityPerWeek = 0;
  const roleCapacity = { barista: 0, cook: 0, supervisor: 0 };
  const employees = Array.from({ length: n }, (_, i) => {
    const role = roleOf(i);
    const [lo, hi] = baseWage[role];
    const maxShiftsPerWeek = randInt(rng, 4, 5);
    // Contracted hours: a knapsack over 8/7/10-hour shifts, so the weekly limits interact.
    const maxHoursPerWeek = pick(rng, opts.hours ?? [32, 36, 40, 40]);
    const cap = Math.min(maxShiftsPerWeek, maxHoursPerWeek / 8.3);
    capacityPerWeek += cap;
    roleCapacity[role] += cap;
    const penalties: { day?: string; shift?: string; penalty: number }[] = [];
    // A disliked shift type for most people, a smaller dislike for a second one for some.
    if (rng() < 0.8) penalties.push({ shift: pick(rng, SHIFTS), penalty: randInt(rng, 8, 40) });
    if (rng() < 0.3) penalties.push({ shift: pick(rng, SHIFTS), penalty: randInt(rng, 4, 15) });
    // One or two disliked weekdays (applies in every week of the horizon).
    const dislikedDays = randInt(rng, 0, 2);
    for (let k = 0; k < dislikedDays; k++) {
      const wd = randInt(rng, 0, 6);
      const pen = randInt(rng, 5, 30);
      for (let d = wd; d < nDays; d += 7) penalties.push({ day: days[d] ?? "", penalty: pen });
    }
    return {
      id: `h${i + 1}`,
      name: `Staff ${i + 1}`,
      role,
      hourlyCost: randInt(rng, lo, hi) + randInt(rng, 0, 3) * 0.25,
      maxShiftsPerWeek,
      maxHoursPerWeek,
      penalties,
    };
  });
  // Role quotas sized from each role's own capacity (load × capacity spread over the slots).
  const slotsPerWeek = 7 * SHIFTS.length;
  const supervisorCover = roleCapacity.supervisor * load >= slotsPerWeek;
  const cookShare = (load * roleCapacity.cook) / capacityPerWeek;
  // Weekly head count ≈ load × capacity, split morning 40 % / evening 38 % / night 22 %.
  const perDay = (load * capacityPerWeek) / 7;
  const split = { morning: 0.4, evening: 0.38, night: 0.22 } as const;
  const demand = days.flatMap((day, d) =>
    SHIFTS.flatMap((shift) => {
      const weekend = d % 7 >= 5 ? 1.08 : 0.97;
      const count = Math.max(1, Math.round(perDay * split[shift] * weekend * (0.9 + 0.2 * rng())));
      const rows: { day: string; shift: string; count: number; role?: string }[] = [{ day, shift, count }];
      // Supervisor cover in every slot (only when there are enough supervisors to make it possible).
      if (supervisorCover) rows.push({ day, shift, count: 1, role: "supervisor" });
      // Cook quota: head count × load × the cooks' share of capacity (rounded down; no row at 0).
      const cooks = Math.floor(count * cookShare);
      if (cooks > 0) rows.push({ day, shift, count: cooks, role: "cook" });
      return rows;
    }),
  );
  return {
    currency: "USD",
    days,
    shifts: [
      { key: "morning", label: "Morning", hours: 8 },
      { key: "evening", label: "Evening", hours: 7 },
      { key: "night", label: "Night", hours: 10 },
    ],
    employees,
    demand,
  };
}
