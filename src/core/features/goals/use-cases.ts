import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { AppError } from "../../kernel/errors.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { can } from "../auth/index.js";
import type { GoalPlanner } from "./graph.js";
import { formatValue } from "./measure.js";
import { loadPoints } from "./metric-data.js";
import type { GoalPace } from "./pace.js";
import { computePace } from "./pace.js";
import { goalsListReply } from "./replies.js";
import { activateGoal, findGoal, listGoals } from "./store.js";

/** `goal TEXT`: plans SMART goals (graph), stores them as proposed, replies with Accept / Adjust. */
export async function planGoalReply(
  deps: Deps,
  actor: Actor,
  text: string,
  planner?: GoalPlanner,
): Promise<Reply> {
  if (!can(actor, "metrics.read"))
    throw new AppError("forbidden", `Your role (${actor.role}) cannot see metrics.`);
  // LangGraph loads only when a goal is planned, not for every command that imports this feature.
  const { runGoalPlanner } = await import("./graph.js");
  const state = await runGoalPlanner(deps, { tenantId: actor.tenantId, userId: actor.userId, text }, planner);
  deps.logger.info({ trace: state.trace, goals: state.goalIds?.length ?? 0 }, "goal planned");
  return {
    ...(state.reply ?? { text: "I could not plan that goal." }),
    meta: { ...state.reply?.meta, trace: state.trace },
  };
}

/** `goal accept REF`: a proposed goal becomes active and is tracked from now on. */
export async function acceptGoalReply(deps: Deps, actor: Actor, ref: string): Promise<Reply> {
  if (!can(actor, "goals.manage"))
    throw new AppError("forbidden", `Your role (${actor.role}) cannot set goals; ask an owner or manager.`);
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const g = await findGoal(tx, ref);
    if (!g) return { text: `No goal "${ref}". Try \`goals\`.` };
    if (g.status !== "proposed")
      return { text: `That goal is already ${g.status}.`, meta: { goalId: g.id, status: g.status } };
    await activateGoal(tx, g.id, now);
    return {
      text: `Goal accepted: ${bold(g.title)}. I'll track it against ${formatValue(g.target, g.unit)} by ${g.deadline}; \`goals\` shows the pace.`,
      sources: [
        {
          label: "Goal",
          detail: `goals.id=${g.id}, baseline ${g.baseline} from ${(g.query as { label?: string }).label ?? "the metric"}`,
        },
      ],
      outcome: { kind: "decided", decision: "accepted", by: actor.name },
      meta: {
        goalId: g.id,
        status: "active",
        decidedAt: deps.clock.now().toISOString(),
      },
    };
  });
}

/** `goals`: active and proposed goals with pace (actual vs the path to target). */
export async function goalsReply(deps: Deps, actor: Actor): Promise<Reply> {
  const today = deps.clock.now();
  const paces = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    const rows = await listGoals(tx);
    const cache = new Map<string, Awaited<ReturnType<typeof loadPoints>>>();
    const out = [];
    for (const g of rows) {
      if (!cache.has(g.metricKey)) cache.set(g.metricKey, await loadPoints(tx, g.metricKey));
      out.push(computePace(g, cache.get(g.metricKey)!, today));
    }
    return out;
  });
  return goalsListReply(paces);
}

/** Active goals on one metric with their pace today (for "revenue vs target"), in the tenant transaction. */
export async function goalPacesFor(tx: Tx, metricKey: string, today: Date): Promise<GoalPace[]> {
  const rows = (await listGoals(tx, ["active"])).filter((g) => g.metricKey === metricKey);
  if (rows.length === 0) return [];
  const points = await loadPoints(tx, metricKey);
  return rows.map((g) => computePace(g, points, today));
}
