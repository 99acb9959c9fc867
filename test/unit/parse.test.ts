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

describe("asking what the model costs, in people's words", () => {
  const spend = [
    "ai spend",
    "AI costs",
    "llm costs",
    "token usage",
    "openai bill",
    "what did the AI cost us this month?",
    "what does the ai cost",
    "how much has the AI cost so far",
    "how much have we spent on openai",
    "how much did we spend on the AI?",
    "how much are we paying for chatgpt",
    "whats our gpt spending",
    "KI-Kosten diesen Monat",
    "wie viel haben wir diesen monat für die KI ausgegeben?",
    "Kosten für die KI",
    "cuánto gastamos en IA",
    "cuanto gastamos este mes en la IA?",
    "costo de la IA",
    "تكلفة الذكاء الاصطناعي",
    "كم أنفقنا على الذكاء الاصطناعي هذا الشهر؟",
  ];
  it.each(spend)("%s → this month's AI spend", (text) => {
    expect(parseText(text)).toEqual({ kind: "usage.show" });
  });

  it("names the month when they do: last month, or a YYYY-MM", () => {
    expect(parseText("what did the AI cost us last month?")).toEqual({ kind: "usage.show", month: "last" });
    expect(parseText("KI-Kosten im Vormonat")).toEqual({ kind: "usage.show", month: "last" });
    expect(parseText("gasto en IA del mes pasado")).toEqual({ kind: "usage.show", month: "last" });
    expect(parseText("llm costs 2026-10")).toEqual({ kind: "usage.show", month: "2026-10" });
    expect(parseText("usage last")).toEqual({ kind: "usage.show", month: "last" });
  });

  it.each([
    "how much did we spend on marketing last month?",
    "what did Acme cost us in discounts?",
    "how are our pricing model costs looking",
    "cost of goods sold",
    "wie viel haben wir für Werbung ausgegeben?",
    "cuánto gastamos en publicidad",
    "what's the average deal size",
  ])("%s is not a question about AI spend", (text) => {
    expect(parseText(text).kind).not.toBe("usage.show");
  });
});

describe("the overdue invoices themselves, asked in people's words", () => {
  it.each([
    "which invoices are overdue",
    "Which invoices are overdue?",
    "what invoices are still late",
    "how many invoices are overdue?",
    "how many bills are past due",
    "list overdue invoices",
    "show me the overdue invoices",
    "show me all the late invoices",
    "give me the past-due invoices",
    "who pays late",
    "who is paying us late?",
    "who hasn't paid",
    "late payers",
    "which customers pay late?",
    "welche Rechnungen sind überfällig?",
    "überfällige Rechnungen",
    "wer zahlt zu spät?",
    "welche Kunden zahlen spät",
    "facturas vencidas",
    "¿qué facturas están vencidas?",
    "quién nos paga tarde",
    "qué clientes pagan tarde",
    "الفواتير المتأخرة",
    "من يدفع متأخرا",
  ])("%s → the overdue list", (text) => {
    expect(parseText(text)).toEqual({ kind: "invoices.overdue" });
  });

  it.each([
    ["which invoices are overdue from Fjord Seafood", "coach.message"],
    ["how much is overdue", "coach.message"],
    ["chase the overdue invoices", "collections.chase"],
    ["überfällige Rechnungen mahnen", "collections.chase"],
    ["which deals are late", "coach.message"],
  ])("%s stays %s", (text, kind) => {
    expect(parseText(text).kind).toBe(kind);
  });
});

describe("'are we on track?' with no figure named is the goals' pace", () => {
  it.each([
    "are we on track this quarter",
    "Are we on track?",
    "am I on track for my goals",
    "how are we tracking",
    "how are we doing against our goals?",
    "liegen wir im Plan?",
    "sind wir auf Kurs",
    "vamos bien con los objetivos?",
  ])("%s → goals", (text) => {
    expect(parseText(text)).toEqual({ kind: "goals.list" });
  });
  it.each([
    "are we on track for revenue this quarter",
    "is revenue on track",
    "are we on track with the pipeline",
  ])("%s names a figure: the question engine compares it with its goal", (text) => {
    expect(parseText(text).kind).toBe("coach.message");
  });
});
