import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { Deps } from "../../deps.js";
import { isoDate } from "../../kernel/format.js";
import type { Reply } from "../../ports/reply.js";
import { checkFigures, collectFigures } from "../provenance/index.js";
import { gatherMetricContext, loadMetricList, type MetricContext, outlookFor } from "./context.js";
import { planReply } from "./replies.js";
import { parseGoalText } from "./rules.js";
import { extractedIntentSchema, smartGoalsSchema } from "./schemas.js";
import { saveProposedGoals } from "./store.js";
import { goalTitle, templateGoals } from "./template.js";
import type { GoalCandidate, GoalIntent, GoalValidation, MetricInfo } from "./types.js";
import { feedbackFrom, validateGoal } from "./validate.js";

/** Model attempts after the first before the planner falls back to the template. */
export const MAX_REVISIONS = 2;

const last = <T>() => Annotation<T>({ reducer: (_a: T, b: T) => b, default: () => null as T });

/** The planner's state: each node returns the part it changes. */
export const PlannerState = Annotation.Root({
  text: Annotation<string>,
  tenantId: Annotation<string>,
  userId: Annotation<string | undefined>,
  today: Annotation<string>,
  metrics: last<MetricInfo[]>(),
  intent: last<GoalIntent | null>(),
  context: last<MetricContext | null>(),
  candidates: last<GoalCandidate[]>(),
  validations: last<GoalValidation[]>(),
  /** The user's own target, judged (flagged when unrealistic). */
  requested: last<GoalValidation | null>(),
  feedback: last<string[]>(),
  revisions: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  source: last<"llm" | "template" | null>(),
  useTemplate: Annotation<boolean>({ reducer: (_a, b) => b, default: () => false }),
  problem: last<string | null>(),
  reply: last<Reply | null>(),
  goalIds: last<string[]>(),
  /** What happened, for logs and tests: node names in order, model fallbacks. */
  trace: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
export type PlannerStateT = typeof PlannerState.State;

/** Dependencies reach nodes through the run's context, never through imports. */
export const PlannerContext = Annotation.Root({ deps: Annotation<Deps> });
type Runtime = { context?: { deps: Deps } };

function depsOf(rt: Runtime): Deps {
  const deps = rt.context?.deps;
  if (!deps) throw new Error("goal planner: deps missing from the run context");
  return deps;
}

const todayOf = (s: PlannerStateT) => new Date(`${s.today}T00:00:00Z`);
const llmCtx = (s: PlannerStateT) => ({ tenantId: s.tenantId, userId: s.userId, feature: "goal.plan" });

async function extract(s: PlannerStateT, rt: Runtime): Promise<Partial<PlannerStateT>> {
  const deps = depsOf(rt);
  const metrics = await loadMetricList(deps, s.tenantId);
  const intent = parseGoalText(s.text, metrics, todayOf(s));
  if (!deps.llm.hasModel()) return { metrics, intent, trace: ["extract:rules"] };
  try {
    const { value, meta } = await deps.llm.structured(extractedIntentSchema, {
      ctx: llmCtx(s),
      promptId: "goal.extract_intent",
      variables: {
        message: s.text,
        metrics: metrics.map((m) => `${m.key} (${m.name}, ${m.unit})`).join("; "),
      },
      routingText: s.text,
    });
    if (meta.provider === "offline") return { metrics, intent, trace: ["extract:rules"] };
    // The model may fill gaps the rules left; code checks each value before using it.
    const merged = { ...intent, fromModel: [] as string[] };
    const m = value.metric
      ? metrics.find((x) => x.key === value.metric || x.name.toLowerCase() === value.metric!.toLowerCase())
      : undefined;
    if (!merged.metric && m) {
      merged.metric = m.key;
      merged.fromModel.push("metric");
    }
    if (!merged.target && value.target !== null && Number.isFinite(value.target) && value.target > 0) {
      merged.target =
        value.unit && /percent|%/.test(value.unit)
          ? { kind: "percent", value: value.target }
          : { kind: "absolute", value: value.target };
      merged.fromModel.push("target");
    }
    return { metrics, intent: merged, trace: ["extract:model"] };
  } catch (err) {
    deps.logger.warn({ err }, "goal intent extraction by model failed; rules only");
    return { metrics, intent, trace: ["extract:rules"] };
  }
}

async function gather(s: PlannerStateT, rt: Runtime): Promise<Partial<PlannerStateT>> {
  const deps = depsOf(rt);
  const metric = s.metrics.find((m) => m.key === s.intent?.metric);
  if (!metric)
    return {
      problem: s.intent?.understood
        ? `I can only set goals on your metric series (${s.metrics.map((m) => m.name.toLowerCase()).join(", ") || "none yet"}). Here is what I understood: ${s.intent.understood} by ${s.intent.deadline}. Ask "how many deals did we win this quarter" or \`invoices overdue\` to follow it meanwhile.`
        : s.metrics.length
          ? `Which metric is the goal about? I have: ${s.metrics.map((m) => m.name.toLowerCase()).join(", ")}.`
          : "I have no metrics for your business yet. Import some with `keel import metrics FILE`.",
      trace: ["gather:no_metric"],
    };
  const context = await gatherMetricContext(deps, s.tenantId, metric, s.intent!.horizonDays);
  if (context.baseline === null || context.baseline <= 0)
    return {
      context,
      problem: `There is not enough ${metric.name.toLowerCase()} history to set a goal (${context.points} points).`,
      trace: ["gather:no_baseline"],
    };
  let requested: GoalValidation | null = null;
  if (s.intent!.target) {
    const [own] = templateGoals({ ...s.intent!, direction: s.intent!.direction }, context, todayOf(s));
    if (own) requested = validateGoal(own, context, s.metrics, todayOf(s));
  }
  return { context, requested, trace: ["gather"] };
}

/** Computed figures the model may use, as the prompt's variables. */
function promptVariables(s: PlannerStateT) {
  const ctx = s.context!;
  const o = outlookFor(ctx, s.intent!.horizonDays);
  const pct = (g: number | undefined) => (g === undefined ? null : Math.round(g * 1000) / 10);
  return {
    intent: {
      metric: ctx.metric.key,
      direction: s.intent!.direction,
      requested_target: s.intent!.target,
      deadline: s.intent!.deadline,
      horizon_days: s.intent!.horizonDays,
    },
    baseline: {
      metric: ctx.metric.key,
      unit: ctx.metric.unit,
      measure: ctx.query.label,
      value: Math.round(ctx.baseline! * 100) / 100,
      window: ctx.baselineWindow,
    },
    history: o.history
      ? {
          horizon_days: o.horizonDays,
          median_growth_pct: pct(o.history.median),
          p90_growth_pct: pct(o.history.p90),
          best_growth_pct: pct(o.history.best),
          samples: o.history.samples,
        }
      : "not enough history",
    forecast: o.forecast
      ? {
          model: o.forecast.model,
          growth_pct: pct(o.forecast.growth),
          lower80_pct: pct(o.forecast.lower80),
          upper80_pct: pct(o.forecast.upper80),
          end_value: Math.round(o.forecast.endValue),
        }
      : "no forecast",
    today: s.today,
    feedback: s.feedback?.length ? s.feedback.join("\n") : "",
  };
}

async function generate(s: PlannerStateT, rt: Runtime): Promise<Partial<PlannerStateT>> {
  const deps = depsOf(rt);
  const template = () => ({
    candidates: templateGoals(s.intent!, s.context!, todayOf(s)),
    source: "template" as const,
  });
  if (s.useTemplate || !deps.llm.hasModel()) return { ...template(), trace: ["generate:template"] };
  const variables = promptVariables(s);
  try {
    const { value, meta } = await deps.llm.structured(smartGoalsSchema, {
      ctx: llmCtx(s),
      promptId: "goal.smart_goals",
      variables,
      noCache: s.revisions > 0,
    });
    if (meta.provider === "offline") return { ...template(), trace: ["generate:template"] };
    const figures = collectFigures(variables);
    const candidates = value.goals.map((g): GoalCandidate => {
      // Titles and rationales are language; their figures must be the goal's own or computed ones.
      const own = collectFigures({
        target: g.target,
        deadline: g.deadline,
        baseline: g.baseline,
        pct: Number.isFinite(g.target / g.baseline) ? (g.target / g.baseline - 1) * 100 : 0,
      });
      const ctx = {
        numbers: [...figures.numbers, ...own.numbers],
        dates: new Set([...figures.dates, ...own.dates]),
      };
      const check = checkFigures(`${g.title}\n${g.rationale}`, ctx);
      if (check.ok) return { ...g, unit: s.context!.metric.unit };
      deps.logger.warn(
        { unsupported: check.unsupported.slice(0, 10), provenance: "violation" },
        "goal text stated figures not in the data; using code phrasing",
      );
      return {
        ...g,
        unit: s.context!.metric.unit,
        title: goalTitle(s.context!, g.target, g.deadline),
        rationale: "",
      };
    });
    return { candidates, source: "llm", trace: [`generate:model#${s.revisions}`] };
  } catch (err) {
    deps.logger.warn({ err }, "SMART goal generation by model failed; using the template");
    return { ...template(), trace: ["generate:template(model failed)"] };
  }
}

async function validate(s: PlannerStateT): Promise<Partial<PlannerStateT>> {
  const today = todayOf(s);
  return {
    validations: s.candidates.map((c) => validateGoal(c, s.context, s.metrics, today)),
    trace: ["validate"],
  };
}

async function revise(s: PlannerStateT): Promise<Partial<PlannerStateT>> {
  return { feedback: feedbackFrom(s.validations), revisions: s.revisions + 1, trace: ["revise"] };
}

async function useTemplate(): Promise<Partial<PlannerStateT>> {
  return { useTemplate: true, trace: ["fallback:template"] };
}

async function present(s: PlannerStateT, rt: Runtime): Promise<Partial<PlannerStateT>> {
  if (s.problem || !s.context || !s.intent)
    return {
      reply: { text: s.problem ?? "I could not plan that goal." },
      goalIds: [],
      trace: ["present:problem"],
    };
  const deps = depsOf(rt);
  const valid = (s.validations ?? []).filter((v) => v.ok).slice(0, 3);
  const stored = await deps.db.tenantTx(s.tenantId, (tx) =>
    saveProposedGoals(tx, {
      tenantId: s.tenantId,
      createdBy: s.userId,
      today: s.today,
      query: s.context!.query,
      validations: valid,
    }),
  );
  const reply = planReply({
    intent: s.intent,
    context: s.context,
    validations: valid,
    stored,
    requested: s.requested,
    source: s.source ?? "template",
    text: s.text,
  });
  return { reply, goalIds: stored.map((g) => g.id), trace: ["present"] };
}

/** After gathering: nothing to plan (unknown metric, no history) goes straight to presenting the problem. Pure. */
export function routeAfterGather(s: Pick<PlannerStateT, "problem">): "generate" | "present" {
  return s.problem ? "present" : "generate";
}

/**
 * After validation: done when a candidate passed; otherwise the model revises with the failures
 * (at most MAX_REVISIONS times), then the template takes over. Pure.
 */
export function routeAfterValidate(
  s: Pick<PlannerStateT, "validations" | "revisions" | "source">,
): "revise" | "template" | "present" {
  if (s.validations.some((v) => v.ok)) return "present";
  if (s.source === "llm") return s.revisions < MAX_REVISIONS ? "revise" : "template";
  return "present";
}

/** Builds the planner graph: extract → gather → generate → validate → (revise → generate)* → present. */
export function buildGoalPlanner() {
  return new StateGraph(PlannerState, PlannerContext)
    .addNode("extract", extract)
    .addNode("gather", gather)
    .addNode("generate", generate)
    .addNode("validate", validate)
    .addNode("revise", revise)
    .addNode("template", useTemplate)
    .addNode("present", present)
    .addEdge(START, "extract")
    .addEdge("extract", "gather")
    .addConditionalEdges("gather", routeAfterGather, ["generate", "present"])
    .addEdge("generate", "validate")
    .addConditionalEdges("validate", routeAfterValidate, ["revise", "template", "present"])
    .addEdge("revise", "generate")
    .addEdge("template", "generate")
    .addEdge("present", END)
    .compile();
}

export type GoalPlanner = ReturnType<typeof buildGoalPlanner>;

/** Runs the planner for one request. */
export async function runGoalPlanner(
  deps: Deps,
  input: { tenantId: string; userId?: string; text: string },
  planner: GoalPlanner = buildGoalPlanner(),
): Promise<PlannerStateT> {
  return planner.invoke(
    { text: input.text, tenantId: input.tenantId, userId: input.userId, today: isoDate(deps.clock.now()) },
    { context: { deps }, recursionLimit: 40 },
  );
}
