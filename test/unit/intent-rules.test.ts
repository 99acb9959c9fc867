import { describe, expect, it } from "vitest";
import { featureIntentFor } from "../../src/core/features/coach/route.js";
import { classifyByRules } from "../../src/core/infra/llm/index.js";

/** Free text → feature, without a model (what the coach handler routes on). */
describe("rule-based intent routing of free text", () => {
  const route = (text: string) => {
    const c = classifyByRules(text);
    return featureIntentFor({ kind: c.kind, args: c.args, confidence: c.confidence, via: "rules" }, text);
  };

  it("sends aspirations about a metric to the goal planner", () => {
    expect(route("I want to grow revenue")).toEqual({ kind: "goal.plan", text: "I want to grow revenue" });
    expect(route("we'd like to double orders by June")?.kind).toBe("goal.plan");
  });

  it("sends cashflow, why and deal questions to their features", () => {
    expect(route("what's my cashflow for the next 60 days?")).toMatchObject({ kind: "cashflow.forecast" });
    expect(route("why did revenue drop last month?")).toMatchObject({
      kind: "insights.why",
      metric: "revenue",
    });
  });

  it("keeps general questions with the coach", () => {
    expect(route("how is my business doing?")).toBeNull();
    expect(route("any tips for hiring a good salesperson?")).toBeNull();
  });
});
