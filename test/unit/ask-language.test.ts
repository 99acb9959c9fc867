import { describe, expect, it } from "vitest";
import {
  detectLanguage,
  parseQuestion,
  renderResult,
  type Vocabulary,
} from "../../src/core/features/ask/index.js";

const v: Vocabulary = {
  customers: ["Fjord Seafood", "Nordlicht GmbH"],
  reps: [],
  stages: ["Won", "Lost"],
  metrics: [{ key: "revenue", name: "Revenue" }],
  me: "00000000-0000-4000-8000-000000000001",
};
const q = (text: string) => {
  const p = parseQuestion(text, v);
  return p.kind === "query" ? p.query : p;
};

/** Intl writes (narrow) no-break spaces before units. */
const flat = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("four languages in, typed queries out; answers in the asker's language", () => {
  it.each([
    ["ما هي الإيرادات في أكتوبر", { measure: "revenue", window: { kind: "month", month: 10 } }],
    ["الإيرادات في ١٠ أيام الماضية", { measure: "revenue" }],
    [
      "من يدين لنا أكثر",
      { measure: "outstanding_balance", groupBy: "customer", rank: { order: "top", limit: 1 } },
    ],
    [
      "كم صفقة ربحنا هذا الشهر",
      {
        measure: "deal_count",
        filters: { status: "won" },
        window: { kind: "relative", unit: "month", offset: 0 },
      },
    ],
    ["Umsatz im Mai", { measure: "revenue", window: { kind: "month", month: 5 } }],
    ["summe der überfälligen rechnungen", { measure: "overdue_balance" }],
    [
      "wie viele deals haben wir letzten monat gewonnen",
      { measure: "deal_count", filters: { status: "won" } },
    ],
    [
      "ingresos del trimestre pasado",
      { measure: "revenue", window: { kind: "relative", unit: "quarter", offset: -1 } },
    ],
    ["¿cuántos tratos ganamos este mes?", { measure: "deal_count", filters: { status: "won" } }],
    ["revenue vs target", { measure: "revenue", compare: "target" }],
    ["are we on track for our revenue goal", { measure: "revenue", compare: "target" }],
    ["revenue this month compared to last", { measure: "revenue", compare: "previous_period" }],
    ["QTD revenue", { measure: "revenue", window: { kind: "relative", unit: "quarter", offset: 0 } }],
    // The suggestions Keel offers after "I didn't understand" must themselves be understood.
    ["muéstrame mis tratos", { measure: "deals", filters: { ownerId: v.me } }],
    ["zeig mir meine Deals", { measure: "deals", filters: { ownerId: v.me } }],
    ["أرني صفقاتي", { measure: "deals", filters: { ownerId: v.me } }],
    ["muéstrame los tratos abiertos", { measure: "deals" }],
  ])("%s", (text, want) => {
    expect(q(text)).toMatchObject(want);
  });

  it("detects the language", () => {
    expect(detectLanguage("ما هي الإيرادات في أكتوبر")).toBe("ar");
    expect(detectLanguage("¿cuánto nos deben los clientes?")).toBe("es");
    expect(detectLanguage("wie viel schulden uns die kunden")).toBe("de");
    expect(detectLanguage("who owes us the most")).toBe("en");
  });

  it("renders labels and dates in the asker's language, numbers in the tenant's locale", () => {
    const r = {
      ok: true as const,
      query: { measure: "revenue" as const, filters: {} },
      title: "Revenue",
      window: { from: "2026-10-01", to: "2026-11-01", label: "October 2026", toDate: false },
      figure: { value: 123456789, unit: "money" as const },
      sources: [],
    };
    expect(flat(renderResult(r, "EUR", "de-DE", "de").text)).toBe("Umsatz — 01.–31.10.2026: 1.234.568 €");
    expect(flat(renderResult(r, "USD", "en-US", "en").text)).toBe("Revenue — October 2026: $1,234,568");
    expect(flat(renderResult(r, "EUR", "es-ES", "es").text)).toBe("Ingresos — 1–31 oct 2026: 1.234.568 €");
    // Arabic: the label in Arabic, dates and the amount in the tenant's locale (Arabic-Indic digits).
    expect(renderResult(r, "SAR", "ar-SA", "ar").text).toMatch(/^الإيرادات — .*٢٠٢٦.*١٬٢٣٤٬٥٦٨/);
  });
});
