import { describe, expect, it } from "vitest";
import { refersToEarlierTurns } from "../../../src/core/features/coach/refers.js";
import { cacheKey, normaliseQuestion } from "../../../src/core/infra/llm/cache.js";

const key = (question: string, over: Partial<Parameters<typeof cacheKey>[0]> = {}) =>
  cacheKey({
    tenantId: "t1",
    promptId: "coach.answer",
    promptVersion: 1,
    model: "gpt-4o-mini",
    temperature: 0.3,
    maxTokens: 600,
    json: false,
    scope: "deals=all",
    messages: [
      { role: "system", content: "Figures: open pipeline $15,000 across 3 deals" },
      { role: "user", content: question },
    ],
    question,
    ...over,
  });

describe("the cache reads a question like a person would", () => {
  it.each([
    ["How is my business doing?", "how is my business doing"],
    ["hey keel, how is my business doing??", "how is my business doing"],
    ["Hi! How is my business doing", "how is my business doing"],
    ["ok so   how is my business doing …", "how is my business doing"],
    ["how is my business doing, please", "how is my business doing"],
    ["How is my business doing? Thanks!", "how is my business doing"],
    ["<@U123ABC> how is my business doing?", "how is my business doing"],
    ["¿Cómo va el negocio?", "cómo va el negocio"],
    ["Hola, ¿cómo va el negocio? gracias", "cómo va el negocio"],
    ["Wie läuft das Geschäft, bitte?", "wie läuft das geschäft"],
    ["ＨＯＷ　ＩＳ　ＲＥＶＥＮＵＥ？", "how is revenue"],
    ["“Top 5 customers”", "top 5 customers"],
  ])("%s → %s", (q, want) => expect(normaliseQuestion(q)).toBe(want));

  it.each([
    ["revenue in Q3", "revenue in Q4"],
    ["top 5 customers", "top 3 customers"],
    ["revenue", "revenue last month"],
    ["deals over $5,000", "deals over $50,000"],
    ["margin 3.5%", "margin 35%"],
    ["hi", "thanks"],
    ["which deals are stuck", "which deals are not stuck"],
  ])("keeps %s and %s apart", (a, b) => expect(key(a)).not.toBe(key(b)));

  it("keys the same question the same for anyone in the same scope, and apart across scopes and tenants", () => {
    expect(key("How is my business doing?")).toBe(key("hey, how is my business doing"));
    expect(key("How is my business doing?")).not.toBe(
      key("How is my business doing?", { scope: "deals=own:u7" }),
    );
    expect(key("How is my business doing?")).not.toBe(key("How is my business doing?", { tenantId: "t2" }));
    expect(key("How is my business doing?")).not.toBe(key("How is my business doing?", { promptVersion: 2 }));
    expect(key("How is my business doing?")).not.toBe(key("How is my business doing?", { model: "gpt-4o" }));
  });

  it("keys the computed facts: a new deal is a new key", () => {
    const q = "How is my business doing?";
    const changed = key(q, {
      messages: [
        { role: "system", content: "Figures: open pipeline $17,500 across 4 deals" },
        { role: "user", content: q },
      ],
    });
    expect(changed).not.toBe(key(q));
  });

  it("keys history when it was sent", () => {
    const q = "why is that?";
    const withHistory = (answer: string) =>
      key(q, {
        messages: [
          { role: "system", content: "Figures" },
          { role: "user", content: "How is revenue?" },
          { role: "assistant", content: answer },
          { role: "user", content: q },
        ],
      });
    expect(withHistory("Revenue rose.")).not.toBe(withHistory("Revenue fell."));
    expect(withHistory("Revenue rose.")).toBe(withHistory("Revenue rose."));
  });
});

describe("a question that leans on earlier turns gets the history", () => {
  it.each([
    "why did it drop?",
    "and last month?",
    "And how does it compare with last month?",
    "tell me more about them",
    "what about Acme?",
    "how about Globex",
    "explain that",
    "is that good?",
    "Why is that?",
    "the second one",
    "same for Q3",
    "you said 12 deals earlier",
    "what did I ask before?",
    "Remind me what the launch is called?",
    "who should I call first about them?",
    "¿y el mes pasado?",
    "¿por qué eso?",
    "und letzten Monat?",
    "warum?",
    "pourquoi ?",
    "e o mês passado?",
    "what else?",
  ])("%s → with history", (q) => expect(refersToEarlierTurns(q)).toBe(true));

  it.each([
    "How is my business doing?",
    "How is revenue this month?",
    "are there any overdue invoices",
    "which deals are stuck",
    "what should I focus on this week",
    "which customer owes us more than $5k",
    "invoices due before friday",
    "summarise the pipeline for the monday meeting",
    "compare revenue to last year",
    "¿cómo va el negocio?",
    "Wie läuft das Geschäft?",
    "comment va mon entreprise ?",
    "como está o negócio?",
    "",
  ])("%s → self-contained", (q) => expect(refersToEarlierTurns(q)).toBe(false));
});
