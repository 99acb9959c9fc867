import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { goals } from "../../infra/db/schema/index.js";
import { formatNumber } from "../../kernel/format.js";
import { type GoalPace, goalPace } from "../goals/index.js";

export interface GoalPaceItem {
  goalId: string;
  title: string;
  pace: GoalPace["pace"];
  text: string;
  slipping: boolean;
  /** A corrective action for a slipping goal: what it takes per day from here. */
  suggestion?: string;
  raw: GoalPace;
}

export interface GoalsSection {
  items: GoalPaceItem[];
}

const PACE_WORDS: Record<GoalPace["pace"], string> = {
  ahead: "ahead of plan",
  on_track: "on track",
  behind: "behind plan",
  achieved: "achieved",
  no_data: "no data yet",
};

/** What closing the gap takes: the remaining distance to the target spread over the days left. */
export function correctiveAction(p: GoalPace): string | undefined {
  if (p.pace !== "behind" || p.actual === null) return undefined;
  const remaining = p.target - p.actual;
  if (p.daysLeft <= 0)
    return `The deadline (${p.deadline}) has passed ${formatNumber(Math.abs(remaining))}${p.unit ? ` ${p.unit}` : ""} short; decide whether to extend it or close the goal.`;
  const perDay = remaining / p.daysLeft;
  return `To still reach ${formatNumber(p.target)}${p.unit ? ` ${p.unit}` : ""} by ${p.deadline}, ${p.metric.replace(/_/g, " ")} must move ${formatNumber(perDay, Math.abs(perDay) < 10 ? 1 : 0)} per day for the ${p.daysLeft} days left — pick the one lever you can pull this week and review it on the next check-in.`;
}

function item(p: GoalPace): GoalPaceItem {
  const fmt = (v: number) => `${formatNumber(v, Math.abs(v) < 10 ? 2 : 0)}${p.unit ? ` ${p.unit}` : ""}`;
  const where =
    p.actual === null
      ? "no data yet"
      : `${fmt(p.actual)} vs ${fmt(p.expected)} expected by now (target ${fmt(p.target)} by ${p.deadline})`;
  const suggestion = correctiveAction(p);
  return {
    goalId: p.goalId,
    title: p.title,
    pace: p.pace,
    text: `${PACE_WORDS[p.pace]} — ${where}`,
    slipping: p.pace === "behind",
    ...(suggestion ? { suggestion } : {}),
    raw: p,
  };
}

/** Pace of the tenant's active goals, through the goals feature's `goalPace`. */
export async function goalsSection(
  deps: Deps,
  tenantId: string,
): Promise<({ ok: true } & GoalsSection) | { ok: false; note: string }> {
  const active = await deps.db.tenantTx(tenantId, (tx) =>
    tx.select({ id: goals.id }).from(goals).where(eq(goals.status, "active")),
  );
  const paces: GoalPace[] = [];
  for (const g of active) {
    const p = await goalPace(deps, tenantId, g.id);
    if (p) paces.push(p);
  }
  return { ok: true, items: paces.map(item) };
}
