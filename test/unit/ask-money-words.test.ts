import { describe, expect, it } from "vitest";
import { parseQuestion, type Vocabulary } from "../../src/core/features/ask/index.js";

/**
 * "How much cash do we have?" is the bank balance: the tenant's cash-balance series — never the
 * payments collected, the overdue invoices or a summary of other figures. A role that may not see it
 * (its vocabulary has no such series) still gets the series asked for, so the executor refuses it.
 */
const base: Omit<Vocabulary, "metrics"> = {
  customers: ["Fjord Seafood", "Nordlicht GmbH"],
  reps: [],
  stages: ["Won", "Lost"],
  me: "00000000-0000-4000-8000-000000000001",
};
const owner: Vocabulary = {
  ...base,
  metrics: [
    { key: "revenue", name: "Revenue" },
    { key: "bank", name: "Cash balance" },
  ],
};
const rep: Vocabulary = { ...base, metrics: [{ key: "revenue", name: "Revenue" }] };
const q = (text: string, v = owner) => {
  const p = parseQuestion(text, v);
  return p.kind === "query" ? p.query : p;
};

describe("the bank balance, asked in people's words", () => {
  it.each([
    "how much cash do we have",
    "How much cash have we got?",
    "how much money do we have",
    "whats in the bank",
    "what's in our bank account",
    "cash on hand",
    "cash position",
    "our bank balance",
    "balance in the bank",
    "money in the bank?",
    "how much cash is there right now",
    "wie viel Geld haben wir auf dem Konto?",
    "Kontostand",
    "wieviel bargeld haben wir",
    "cuánto efectivo tenemos",
    "cuanto dinero tenemos",
    "saldo bancario",
    "كم لدينا من النقد",
    "ما هو الرصيد النقدي",
    "رصيد البنك",
  ])("%s → the cash-balance series", (text) => {
    expect(q(text)).toMatchObject({ measure: "metric", metric: "bank" });
  });

  it("a role without the series asks for it by its usual key, for the executor to refuse", () => {
    expect(q("how much cash do we have", rep)).toMatchObject({ measure: "metric", metric: "cash_balance" });
    expect(q("Kontostand", rep)).toMatchObject({ measure: "metric", metric: "cash_balance" });
  });

  it.each([
    ["how much cash did we collect last month", "collected_cash"],
    ["cash collected this month", "collected_cash"],
    ["who owes us the most", "outstanding_balance"],
    ["revenue last month", "revenue"],
    ["how much did we close last month", "won_value"],
    ["how much have i closed this quarter", "won_value"],
  ])("%s stays %s", (text, measure) => {
    expect(q(text)).toMatchObject({ measure });
  });

  it.each([
    "how much cash will we have in 3 months",
    "when will we run out of cash",
    "cash forecast for next quarter",
  ])("%s is the forecast's question, not today's balance", (text) => {
    const r = q(text);
    expect("metric" in r && r.metric === "bank").toBe(false);
  });
});

describe("receivables in a bookkeeper's words", () => {
  it.each([
    ["offene Rechnungen", "outstanding_balance"],
    ["open invoices", "outstanding_balance"],
    ["facturas pendientes", "outstanding_balance"],
    ["ausstehende Rechnungen", "outstanding_balance"],
    ["average days to pay", "dso"],
    ["how long do customers take to pay?", "dso"],
    ["how much is overdue", "overdue_balance"],
  ])("%s → %s", (text, measure) => {
    expect(q(text)).toMatchObject({ measure });
  });
});

describe("deals expected to close, asked ahead", () => {
  it.each([
    "deals closing this month",
    "which deals are closing this month?",
    "what will close this quarter",
    "deals expected to close in january",
    "how much pipeline is expected to close this month",
    "how many deals are expected to close this month",
  ])("%s → open deals by expected close date", (text) => {
    expect(q(text)).toMatchObject({ filters: { closing: true } });
  });

  it.each([
    "which deals did we close last month",
    "how much have i closed this quarter",
    "deals won this month",
  ])("%s looks back, not ahead", (text) => {
    const r = q(text);
    expect("filters" in r && r.filters.closing).toBeFalsy();
  });
});

describe("lost deals, top customers, comparisons asked in German or Spanish", () => {
  it("lost deals are the deals themselves, lost", () => {
    expect(q("lost deals this quarter")).toMatchObject({ measure: "deals", filters: { status: "lost" } });
    expect(q("which deals did we lose")).toMatchObject({ measure: "deals", filters: { status: "lost" } });
  });
  it("top customers are the won value by customer, top 5", () => {
    expect(q("top customers")).toMatchObject({
      measure: "won_value",
      groupBy: "customer",
      rank: { order: "top", limit: 5 },
    });
    expect(q("who are our biggest clients?")).toMatchObject({ measure: "won_value", groupBy: "customer" });
  });
  it.each(["umsatz diesen monat im vergleich zum vormonat", "ingresos este mes comparado con el mes pasado"])(
    "%s compares with the period before",
    (text) => {
      expect(q(text)).toMatchObject({ measure: "revenue", compare: "previous_period" });
    },
  );
});
