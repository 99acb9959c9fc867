import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_REVISIONS,
  routeAfterGather,
  routeAfterValidate,
  runGoalPlanner,
} from "../../../src/core/features/goals/graph.js";
import type { GoalValidation } from "../../../src/core/features/goals/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { goals } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { LlmRequest } from "../../../src/core/ports/llm.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { scriptedLlm } from "../../unit/goals/scripted-llm.js";

const clock = fixedClock("2026-11-02T09:00:00Z");
let base: TestDeps;
let tenantId: string;

beforeAll(async () => {
  base = await createTestDeps({}, { clock });
  await loadDemo(base);
  tenantId = (await requireTenant(base.db, "demo")).id;
});
afterAll(() => base.cleanup());

const withLlm = (llm: ReturnType<typeof scriptedLlm>) => ({ ...base, llm });
const baselineOf = (req: LlmRequest) => (req.variables.baseline as { value: number }).value;
const extractRevenue = { metric: "revenue", target: null, unit: null, deadline: null, confidence: 0.9 };
/** A model that proposes `growth` over the computed baseline (it reads the figures it was given). */
const goalsAt =
  (growth: number, extra: Record<string, unknown> = {}) =>
  (req: LlmRequest) => ({
    goals: [
      {
        title: "Grow monthly revenue",
        metric: "revenue",
        baseline: baselineOf(req),
        target: Math.round(baselineOf(req) * (1 + growth)),
        deadline: "2027-01-31",
        rationale: "Keeps to the trend in the data.",
        ...extra,
      },
    ],
  });

describe("goal planner graph (scripted model)", () => {
  it("happy path: extract → gather → generate → validate → present, goals stored as proposed with their query", async () => {
    const llm = scriptedLlm({ "goal.extract_intent": [extractRevenue], "goal.smart_goals": [goalsAt(0.05)] });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "I want to grow revenue" });
    expect(s.trace).toEqual(["extract:model", "gather", "generate:model#0", "validate", "present"]);
    expect(s.validations.every((v) => v.ok)).toBe(true);
    expect(s.goalIds).toHaveLength(1);
    const smart = llm.requests.find((r) => r.promptId === "goal.smart_goals")!;
    // The model is given computed figures only: the baseline, history and forecast.
    expect(smart.variables.baseline).toMatchObject({
      metric: "revenue",
      unit: "USD",
      measure: "30-day total",
    });
    expect(smart.variables.forecast).toHaveProperty("growth_pct");
    const [row] = await base.db.tenantTx(tenantId, (tx) => tx.select().from(goals));
    expect(row!.status).toBe("proposed");
    expect(row!.query).toMatchObject({ metric: "revenue", aggregation: "sum", windowPoints: 30 });
    expect(s.reply?.actions?.[0]?.intent).toEqual({ kind: "goal.accept", goalRef: s.goalIds[0] });
    expect(s.reply?.actions?.map((a) => a.label)).toContain("Adjust: more time");
  });

  it("an invalid goal is sent back with the failed checks and the revision passes", async () => {
    const bad = {
      goals: [
        { title: "More profit", metric: "profit", baseline: 1, target: 2, deadline: "soon", rationale: "" },
        {
          title: "More revenue",
          metric: "revenue",
          baseline: 1000,
          target: 2000,
          deadline: "2027-01-31",
          rationale: "",
        },
      ],
    };
    const llm = scriptedLlm({
      "goal.extract_intent": [extractRevenue],
      "goal.smart_goals": [bad, goalsAt(0.04)],
    });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "grow revenue" });
    expect(s.trace).toEqual([
      "extract:model",
      "gather",
      "generate:model#0",
      "validate",
      "revise",
      "generate:model#1",
      "validate",
      "present",
    ]);
    const second = llm.requests.filter((r) => r.promptId === "goal.smart_goals")[1]!;
    expect(String(second.variables.feedback)).toMatch(/metric_exists failed/);
    expect(String(second.variables.feedback)).toMatch(/deadline failed/);
    expect(String(second.variables.feedback)).toMatch(
      /goal 2 "More revenue": baseline_known failed — the baseline must be \$[\d,]+ \(30-day total to 2026-11-0\d\), not \$1,000/,
    );
    expect(s.goalIds).toHaveLength(1);
  });

  it("after MAX_REVISIONS failed revisions the template takes over", async () => {
    const llm = scriptedLlm({ "goal.extract_intent": [extractRevenue], "goal.smart_goals": [goalsAt(3)] });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "grow revenue" });
    expect(llm.requests.filter((r) => r.promptId === "goal.smart_goals")).toHaveLength(MAX_REVISIONS + 1);
    expect(s.trace).toContain("fallback:template");
    expect(s.source).toBe("template");
    expect(s.goalIds.length).toBeGreaterThan(0);
  });

  it("flags an unachievable target with the required and historical/forecast rates", async () => {
    const llm = scriptedLlm({
      "goal.extract_intent": [{ ...extractRevenue, target: 80, unit: "percent" }],
      "goal.smart_goals": [goalsAt(0.04)],
    });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "grow revenue 80% in 30 days" });
    expect(s.requested?.ok).toBe(false);
    expect(s.requested?.achievability?.verdict).toBe("unrealistic");
    const text = s.reply!.text;
    expect(text).toMatch(/unrealistic/);
    expect(text).toMatch(/needs \+80 % in 30 days \(\$[\d,]+ → \$[\d,]+\)/);
    expect(text).toMatch(/median of [+−][\d.]+ %, 90th percentile [+−][\d.]+ %/);
    expect(text).toMatch(/the forecast \([^)]+\) gives [+−][\d.]+ %/);
  });

  it("works with no model: rules read the request, the template and the validator decide", async () => {
    const llm = scriptedLlm({}, { hasModel: false });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "grow revenue 10 % in 90 days" });
    expect(llm.requests).toHaveLength(0);
    expect(s.trace).toEqual(["extract:rules", "gather", "generate:template", "validate", "present"]);
    expect(s.intent).toMatchObject({
      metric: "revenue",
      target: { kind: "percent", value: 10 },
      horizonDays: 90,
      deadline: "2027-01-31",
    });
    const own = s.candidates[0]!;
    expect(own.target / own.baseline).toBeCloseTo(1.1, 2);
    expect(s.goalIds.length).toBeGreaterThanOrEqual(1);
  });

  it("replaces a model title that invents a figure with code phrasing", async () => {
    const llm = scriptedLlm({
      "goal.extract_intent": [extractRevenue],
      "goal.smart_goals": [
        goalsAt(0.04, { title: "Hit $999,999 revenue", rationale: "Competitors grew 37 %." }),
      ],
    });
    const s = await runGoalPlanner(withLlm(llm), { tenantId, text: "grow revenue" });
    expect(s.candidates[0]!.title).not.toContain("999,999");
    expect(s.candidates[0]!.title).toMatch(
      /^Grow revenue \(30-day total\) from \$[\d,]+ to \$[\d,]+ by 2027-01-31$/,
    );
    expect(JSON.stringify(s.reply)).not.toMatch(/999,999|37 %/);
  });

  it("asks which metric when the request names none", async () => {
    const s = await runGoalPlanner(withLlm(scriptedLlm({}, { hasModel: false })), {
      tenantId,
      text: "make things better",
    });
    expect(s.trace).toEqual(["extract:rules", "gather:no_metric", "present:problem"]);
    expect(s.reply?.text).toMatch(/Which metric.*revenue/);
  });
});

describe("planner routing (pure)", () => {
  const v = (ok: boolean) => ({ ok }) as GoalValidation;
  it("routes on validation outcome, revision count and source", () => {
    expect(routeAfterGather({ problem: "x" })).toBe("present");
    expect(routeAfterGather({ problem: null })).toBe("generate");
    expect(routeAfterValidate({ validations: [v(false), v(true)], revisions: 0, source: "llm" })).toBe(
      "present",
    );
    expect(routeAfterValidate({ validations: [v(false)], revisions: 0, source: "llm" })).toBe("revise");
    expect(routeAfterValidate({ validations: [v(false)], revisions: MAX_REVISIONS, source: "llm" })).toBe(
      "template",
    );
    expect(routeAfterValidate({ validations: [v(false)], revisions: 0, source: "template" })).toBe("present");
  });
});
