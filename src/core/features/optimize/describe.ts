import type { BudgetPlan } from "./budget-schema.js";
import { money, num, pct } from "./format.js";
import type { InventoryPlan } from "./inventory-schema.js";
import type { OptimizeResult } from "./result.js";
import type { StaffingPlan } from "./staffing-schema.js";

export type AnyOptimizeResult =
  | OptimizeResult<InventoryPlan>
  | OptimizeResult<StaffingPlan>
  | OptimizeResult<BudgetPlan>;

const TITLES = {
  inventory: "Inventory plan",
  staffing: "Staff schedule",
  budget: "Budget allocation",
} as const;
const MAX_LINES = 12;

function headline(r: AnyOptimizeResult): string {
  const title = TITLES[r.problem];
  switch (r.status) {
    case "optimal":
      return `${title}: best plan found, ${r.objectiveLabel} ${money(r.objective ?? 0, r.currency)}.`;
    case "feasible-with-gap":
      return `${title}: good plan found (not proven best), ${r.objectiveLabel} ${money(r.objective ?? 0, r.currency)}.`;
    case "infeasible":
      return `${title}: no plan can meet every requirement.`;
    case "unbounded":
      return `${title}: the problem has no limit — something is missing.`;
    case "time-limit":
      return `${title}: no plan found in the time allowed.`;
  }
}

function planLines(r: AnyOptimizeResult): string[] {
  if (!r.plan) return [];
  if (r.problem === "inventory") {
    const p = r.plan as InventoryPlan;
    const multi = p.lines.some((l) => l.period > 1);
    return p.lines
      .filter((l) => l.order > 0)
      .sort((a, b) => b.order - a.order)
      .map(
        (l) =>
          `• ${l.name}${multi ? ` (period ${l.period})` : ""}: order ${num(l.order)}${l.unmetDemand > 0 ? `, short ${num(l.unmetDemand)}` : ""}`,
      );
  }
  if (r.problem === "staffing") {
    const p = r.plan as StaffingPlan;
    return p.slots.map(
      (s) =>
        `• ${s.day} ${s.shift}${s.role ? ` (${s.role})` : ""}: ${s.names.join(", ") || "—"} (${s.assigned}/${s.required})`,
    );
  }
  const p = r.plan as BudgetPlan;
  return p.channels.map(
    (c) =>
      `• ${c.name}: ${money(c.spend, r.currency)} → ${money(c.expectedReturn, r.currency)} (next ${money(1, r.currency)} returns ${money(c.marginalReturn, r.currency)})`,
  );
}

/** A chat-ready plain-text summary of any optimisation result: headline, why, the plan, how solved. */
export function describePlan(r: AnyOptimizeResult): string {
  const lines = [headline(r), ...r.explanation];
  const plan = planLines(r);
  if (plan.length > 0) {
    lines.push("", ...plan.slice(0, MAX_LINES));
    if (plan.length > MAX_LINES) lines.push(`… and ${plan.length - MAX_LINES} more.`);
  }
  const gap = r.mipGap !== null && r.mipGap > 0 ? `, gap ${pct(r.mipGap, 2)}` : "";
  lines.push("", `Solved with ${r.backend} in ${(r.solveTimeMs / 1000).toFixed(2)} s${gap}.`);
  return lines.join("\n");
}
