import { describe, expect, it } from "vitest";
import { closestCommand, parseText } from "../../src/core/intents/parse.js";

describe("text commands", () => {
  it("parses the deal filters", () => {
    expect(parseText("deals")).toEqual({ kind: "deals.list" });
    expect(parseText("deals mine stuck")).toEqual({ kind: "deals.list", owner: "me", stuck: true });
    expect(parseText("deals owner sam stage order received")).toEqual({
      kind: "deals.list",
      owner: "sam",
      stage: "order received",
    });
  });

  it("parses deal, remind and draft decisions", () => {
    expect(parseText("deal Acme Logistics")).toEqual({ kind: "deal.show", query: "Acme Logistics" });
    expect(parseText("remind Acme")).toEqual({ kind: "draft.create", query: "Acme" });
    expect(parseText("approve 12")).toEqual({ kind: "draft.approve", draftRef: "12" });
    expect(parseText("reject 3 too pushy")).toEqual({
      kind: "draft.reject",
      draftRef: "3",
      reason: "too pushy",
    });
    expect(parseText("edit 3 Hello there")).toEqual({
      kind: "draft.edit",
      draftRef: "3",
      body: "Hello there",
    });
    expect(parseText("drafts history 4")).toEqual({ kind: "draft.history", draftRef: "4" });
  });

  it("parses cashflow horizons, buckets and scenarios", () => {
    expect(parseText("cashflow 90")).toEqual({
      kind: "cashflow.forecast",
      horizonDays: 90,
      bucket: undefined,
    });
    expect(parseText("cashflow 60 week")).toEqual({
      kind: "cashflow.forecast",
      horizonDays: 60,
      bucket: "week",
    });
    expect(parseText("cashflow if Acme Logistics slips 30 days")).toEqual({
      kind: "cashflow.forecast",
      scenario: { deal: "Acme Logistics", slipDays: 30 },
    });
  });

  it("parses forecast, plan, why and digest", () => {
    expect(parseText("forecast revenue 12")).toEqual({
      kind: "forecast.metric",
      metric: "revenue",
      horizon: 12,
    });
    expect(parseText("plan staffing")).toEqual({ kind: "optimize.plan", problem: "staffing" });
    expect(parseText("why did revenue drop last month?")).toEqual({
      kind: "insights.why",
      metric: "revenue",
      period: "last month",
    });
    expect(parseText("digest weekly Monday 09:00")).toEqual({
      kind: "digest.settings",
      cadence: "weekly",
      weekday: "mon",
      time: "09:00",
      timezone: undefined,
    });
  });

  it("strips a leading slash so Slack command text parses the same", () => {
    expect(parseText("/deal Acme")).toEqual({ kind: "deal.show", query: "Acme" });
  });

  it("answers malformed arguments with that command's usage", () => {
    expect(parseText("deal")).toMatchObject({
      kind: "usage.error",
      command: "deal",
      message: "Usage: deal NAME",
    });
    expect(parseText("approve")).toMatchObject({ kind: "usage.error", command: "approve" });
    expect(parseText("cashflow soon")).toMatchObject({ kind: "usage.error", command: "cashflow" });
    expect(parseText("plan lunch")).toMatchObject({ kind: "usage.error", command: "plan" });
  });

  it("suggests the closest command for a typo and sends sentences to the coach", () => {
    expect(parseText("delas")).toEqual({ kind: "unknown", text: "delas", suggestion: "deals" });
    expect(parseText("cashflw")).toMatchObject({ kind: "unknown", suggestion: "cashflow" });
    expect(closestCommand("zzzzzz")).toBeUndefined();
    expect(parseText("how is my business doing?")).toEqual({
      kind: "coach.message",
      text: "how is my business doing?",
    });
  });
});
