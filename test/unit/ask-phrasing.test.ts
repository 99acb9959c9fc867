import { describe, expect, it } from "vitest";
import { answerFacts, checkPhrasing, type QueryResult, toneOf } from "../../src/core/features/ask/index.js";

/** A computed result as the executor returns it: overdue invoices by customer, top 3. */
const ranked: QueryResult = {
  ok: true,
  query: {
    measure: "outstanding_balance",
    filters: {},
    groupBy: "customer",
    rank: { order: "top", limit: 3 },
  },
  title: "Owed to you",
  rows: [
    { label: "Fjord Seafood", figure: { value: 4_125_000, unit: "money" } },
    { label: "Nordlicht GmbH", figure: { value: 1_230_050, unit: "money" } },
    { label: "Acme Logistics", figure: { value: 99_900, unit: "money" } },
  ],
  sources: [{ label: "Owed to you", detail: "open invoices minus payments" }],
};
const revenue: QueryResult = {
  ok: true,
  query: {
    measure: "revenue",
    filters: {},
    window: { kind: "month", month: 10 },
    compare: "previous_period",
  },
  title: "Revenue",
  window: { from: "2026-10-01", to: "2026-11-01", label: "October 2026", toDate: false },
  figure: { value: 4_125_050, unit: "money" },
  previous: {
    window: { from: "2026-09-01", to: "2026-10-01", label: "September 2026", toDate: false },
    figure: { value: 3_300_000, unit: "money" },
  },
  sources: [{ label: "Revenue", detail: "sum of the revenue series" }],
};
const input = (question: string, lang: "en" | "es" | "de" | "ar" = "en") => ({
  question,
  lang,
  allowedDomains: ["demo.example"],
});
const check = (text: string, r: QueryResult, question = "how much do they owe", lang?: "es" | "de" | "ar") =>
  checkPhrasing(text, input(question, lang), answerFacts(r, "USD", "en-US"));

describe("a model's phrasing of a computed result: shown only when it states exactly this turn's facts", () => {
  it("facts carry ids, code's display, and the headline to say first", () => {
    const f = answerFacts(revenue, "USD", "en-US");
    expect(f.headline).toEqual({ factId: "answer.value" });
    expect(f.facts.find((x) => x.id === "answer.value")).toMatchObject({ kind: "money", value: 41_250.5 });
    expect(f.facts.find((x) => x.id === "answer.change_pct")).toMatchObject({ kind: "percent", value: 25 });
    expect(f.facts.find((x) => x.id === "period.last_day")?.value).toBe("2026-10-31");
    expect(answerFacts(ranked, "USD", "en-US").headline).toEqual({
      factId: "rows.1.value",
      name: "Fjord Seafood",
    });
  });

  it.each([
    ["Revenue in October 2026 was $41,250.50, up 25 % on September ($33,000)."],
    ["Revenue was $41.3k in October — +25 % vs the month before."],
    ["October 2026: $41,250 in revenue, from 1 Oct to 31 Oct 2026."],
  ])("accepts honest English: %s", (text) => {
    expect(check(text, revenue, "revenue in october vs last month").ok).toBe(true);
  });

  it.each([
    ["Los ingresos de octubre fueron 41.250,50 $, un 25 % más que en septiembre.", "es"],
    ["Der Umsatz im Oktober lag bei 41.250 $, das sind 25 % mehr als im September.", "de"],
    ["بلغت الإيرادات في أكتوبر ٤١٬٢٥٠٫٥٠ دولار بزيادة 25 %.", "ar"],
  ] as const)("accepts honest %s in the asked language", (text, lang) => {
    expect(check(text, revenue, "ingresos de octubre", lang).ok).toBe(true);
  });

  it.each([
    ["Los ingresos de octubre fueron de unos 41 mil $.", "es", true],
    ["Los ingresos de octubre fueron de unos 45 mil $.", "es", false],
    ["Der Umsatz im Oktober lag bei rund 41,3 Tsd. $.", "de", true],
    ["Der Umsatz im Oktober lag bei 0,05 Mio. $.", "de", false],
    ["بلغت الإيرادات في أكتوبر حوالي 41 ألف دولار.", "ar", true],
    ["بلغت الإيرادات في أكتوبر حوالي 48 ألف دولار.", "ar", false],
  ] as const)("scale words in the asker's language are read: %s", (text, lang, ok) => {
    expect(check(text, revenue, "ingresos de octubre", lang).ok).toBe(ok);
  });

  it.each([
    ["Revenue in October was $45,000.", "unsupported_figure"],
    ["Revenue was $41,250.50, so roughly $495k a year.", "unsupported_figure"],
    ["Revenue was $41,250.50 — +24 % on September.", "unsupported_figure"],
    ["Revenue was $41,250.50 (see https://evil.example/r).", "link"],
    ["Revenue was $41,250.50, as of 2026-12-24.", "unsupported_figure"],
    ["Revenue was $33,000 last month.", "no_answer"],
    ["Der Umsatz lag bei 41.250 $, 25 % mehr.", "wrong_language"],
  ])("refuses %s (%s)", (text, reason) => {
    const r = check(text, revenue, "revenue in october");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.reason).toBe(reason);
  });

  it("a ranked answer must name the first row with its figure; list numbers are not figures", () => {
    const ok =
      "Fjord Seafood owes the most: $41,250.\n1. Fjord Seafood — $41,250\n2. Nordlicht GmbH — $12,300.50\n3. Acme Logistics — $999";
    expect(check(ok, ranked).ok).toBe(true);
    const swapped = check("Nordlicht GmbH owes the most: $41,250.", ranked);
    expect(swapped.ok ? "" : swapped.reason).toBe("no_answer");
    const summed = check("Fjord Seafood owes the most ($41,250); the three owe $54,549.50 in all.", ranked);
    expect(summed.ok ? "" : summed.reason).toBe("unsupported_figure");
  });

  it("a headline of 0 must be stated too; a number inside a name is part of the name", () => {
    const none: QueryResult = {
      ok: true,
      query: { measure: "deal_count", filters: { status: "won" } },
      title: "Deals",
      figure: { value: 0, unit: "count" },
      sources: [],
    };
    expect(check("You closed 0 deals this month.", none, "how many deals did we close").ok).toBe(true);
    const r = check("No luck this month, keep going!", none, "how many deals did we close");
    expect(r.ok ? "" : r.reason).toBe("no_answer");
    const tiles: QueryResult = {
      ...ranked,
      rows: [{ label: "Atrium Hotel — 1,200 m² porcelain", figure: { value: 1_850_000, unit: "money" } }],
    };
    expect(check("Atrium Hotel — 1,200 m² porcelain is the biggest at $18,500.", tiles).ok).toBe(true);
    const r2 = check("Atrium Hotel is the biggest at $18,500 for 1,200 m².", tiles);
    expect(r2.ok ? "" : r2.reason).toBe("unsupported_figure");
  });

  it("names do not decide the language: an English-named customer in a Spanish reply", () => {
    const coffee: QueryResult = {
      ...ranked,
      rows: [{ label: "The Coffee House of the West", figure: { value: 1_850_000, unit: "money" } }],
    };
    expect(check("The Coffee House of the West debe $18,500.", coffee, "quién debe más", "es").ok).toBe(true);
  });

  it("figures the asker wrote are theirs to repeat", () => {
    expect(
      check("Fjord Seafood owes $41,250 — over your 10,000 limit.", ranked, "who owes more than 10,000").ok,
    ).toBe(true);
  });
});

describe("the asker's tone, for the model to match", () => {
  it.each([
    ["whats the overdue total lol", "casual"],
    ["how much is overdue", "casual"],
    ["Could you please tell me the revenue for October?", "formal"],
    ["¿Podría usted decirme los ingresos de octubre?", "formal"],
    ["Können Sie mir den Umsatz im Oktober zeigen?", "formal"],
    ["What was revenue in October?", "neutral"],
    ["ما هي الإيرادات في أكتوبر", "neutral"],
  ] as const)("%s → %s", (text, tone) => {
    expect(toneOf(text)).toBe(tone);
  });
});
