import type { Deps } from "../../deps.js";
import { DAY_MS, isoDate } from "../../kernel/format.js";
import { indexAtOrBefore, windowValue } from "./measure.js";
import { loadPoints } from "./metric-data.js";
import { findGoal, type GoalRow, insertCheckin } from "./store.js";
import type { GoalQuery, SeriesPoint } from "./types.js";

export interface GoalPace {
  goalId: string;
  title: string;
  metric: string;
  unit: string;
  status: GoalRow["status"];
  baseline: number;
  target: number;
  startOn: string;
  deadline: string;
  /** Date of the last data point used. */
  asOf: string | null;
  actual: number | null;
  /** Where the metric should be today on the path to the target. */
  expected: number;
  /** "seasonal" follows last year's shape between the same dates; otherwise a straight line. */
  method: "seasonal" | "straight_line";
  elapsedDays: number;
  totalDays: number;
  daysLeft: number;
  /** Share of the way from baseline to target covered (1 = reached). */
  progress: number | null;
  pace: "ahead" | "on_track" | "behind" | "achieved" | "no_data";
  /** actual − expected, in the metric's unit. */
  gap: number | null;
}

const ON_TRACK_BAND = 0.03;

const dayMs = (iso: string) => new Date(`${iso}T00:00:00Z`).getTime();
const shiftYear = (iso: string) => isoDate(new Date(dayMs(iso) - 365 * DAY_MS));

/** Last year's relative movement of the window aggregate between two dates, or null without data. */
function seasonalFactor(
  points: SeriesPoint[],
  values: number[],
  q: GoalQuery,
  from: string,
  to: string,
): number | null {
  const a = indexAtOrBefore(points, shiftYear(from));
  const b = indexAtOrBefore(points, shiftYear(to));
  if (a < 0 || b < 0) return null;
  const va = windowValue(values, a, q);
  const vb = windowValue(values, b, q);
  return va && vb && va > 0 ? vb / va : null;
}

/**
 * Where a goal stands: the metric's current window value against the path from baseline to target.
 * The path follows last year's seasonal shape when a year of history covers the goal's span
 * (anchored so it starts at the baseline and ends at the target), else a straight line. Pure over
 * the points; see `goalPace` for the database version.
 */
export function computePace(goal: GoalRow, points: SeriesPoint[], today: Date): GoalPace {
  const q = goal.query as GoalQuery;
  const values = points.map((p) => p.value);
  const todayIso = isoDate(today);
  const idx = indexAtOrBefore(points, todayIso);
  const actual = idx >= 0 ? windowValue(values, idx, q) : null;
  const asOf = idx >= 0 ? points[idx]!.date : null;
  const totalDays = Math.max(1, Math.round((dayMs(goal.deadline) - dayMs(goal.startOn)) / DAY_MS));
  const refDate = asOf && asOf > goal.startOn ? asOf : todayIso;
  const elapsedDays = Math.min(
    totalDays,
    Math.max(0, Math.round((dayMs(refDate) - dayMs(goal.startOn)) / DAY_MS)),
  );
  const frac = elapsedDays / totalDays;
  const baseline = goal.baseline ?? 0;
  const straight = baseline + (goal.target - baseline) * frac;
  const sNow = seasonalFactor(points, values, q, goal.startOn, refDate);
  const sEnd = seasonalFactor(points, values, q, goal.startOn, goal.deadline);
  const seasonal = sNow !== null && sEnd !== null && sEnd > 0;
  // straight(t) · s(t) / s(end)^frac equals the baseline at the start and the target at the deadline.
  const expected = seasonal ? (straight * sNow!) / sEnd! ** frac : straight;
  const up = goal.target >= baseline;
  let pace: GoalPace["pace"] = "no_data";
  if (actual !== null) {
    if (up ? actual >= goal.target : actual <= goal.target) pace = "achieved";
    else {
      const rel = (actual - expected) / Math.max(Math.abs(expected), 1e-9);
      pace = Math.abs(rel) <= ON_TRACK_BAND ? "on_track" : (up ? rel > 0 : rel < 0) ? "ahead" : "behind";
    }
  }
  return {
    goalId: goal.id,
    title: goal.title,
    metric: goal.metricKey,
    unit: goal.unit,
    status: goal.status,
    baseline,
    target: goal.target,
    startOn: goal.startOn,
    deadline: goal.deadline,
    asOf,
    actual,
    expected,
    method: seasonal ? "seasonal" : "straight_line",
    elapsedDays,
    totalDays,
    daysLeft: Math.max(0, totalDays - elapsedDays),
    progress:
      actual === null || goal.target === baseline ? null : (actual - baseline) / (goal.target - baseline),
    pace,
    gap: actual === null ? null : actual - expected,
  };
}

/** Pace of one goal from the database (for `goals` and for the check-in job). Null when not found. */
export async function goalPace(deps: Deps, tenantId: string, goalId: string): Promise<GoalPace | null> {
  const today = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const goal = await findGoal(tx, goalId);
    if (!goal) return null;
    return computePace(goal, await loadPoints(tx, goal.metricKey), today);
  });
}

/** Stores a check-in from a computed pace (actual vs expected), e.g. from a scheduled job. */
export async function recordCheckin(
  deps: Deps,
  tenantId: string,
  pace: GoalPace,
  note?: string,
): Promise<void> {
  if (pace.actual === null) return;
  await deps.db.tenantTx(tenantId, (tx) =>
    insertCheckin(tx, {
      tenantId,
      goalId: pace.goalId,
      at: deps.clock.now(),
      actual: pace.actual!,
      expected: pace.expected,
      note: note ?? pace.pace,
    }),
  );
}
