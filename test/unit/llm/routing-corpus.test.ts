import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { decideRoute, detectSensitive, type RouterSettings } from "../../../src/core/infra/llm/index.js";
import {
  expectedRoute,
  HELD_OUT,
  type Labelled,
  ORDINARY,
  ROUTING_CORPUS,
  SENSITIVE,
  SENSITIVE_REPHRASED,
} from "../../support/routing-corpus.js";

/** The shipped defaults, read from the config schema (not copied), with both providers present. */
const cfg = loadConfig({});
const settings: RouterSettings = {
  localMax: cfg.llm.LLM_ROUTE_LOCAL_MAX,
  largeMin: cfg.llm.LLM_ROUTE_LARGE_MIN,
  downgradeAt: 0.9,
  hasOpenAi: true,
  hasOllama: true,
  models: { small: "gpt-4o-mini", large: "gpt-4o", local: "llama3.1:8b", offline: "rules-v1" },
};
const route = (l: Labelled) =>
  decideRoute(
    { text: l.q, sensitiveText: l.data ?? "", tier: "small", budgetShare: 0, rateLimited: false },
    settings,
  );

describe("routing corpus", () => {
  it("has ≥ 200 labelled questions, sensitive ones with rephrasings, in four languages", () => {
    const all = [...ROUTING_CORPUS, ...SENSITIVE_REPHRASED, ...HELD_OUT];
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect(SENSITIVE_REPHRASED.length).toBe(SENSITIVE.length * 3);
    expect(all.some((l) => /[\u0600-\u06ff]/.test(l.q))).toBe(true);
    expect(all.some((l) => /ñ|¿/.test(l.q))).toBe(true);
    expect(all.some((l) => /ü|ä|ö|ß/.test(l.q))).toBe(true);
  });

  // Privacy is an invariant, not a rate: every sensitive question — however long or comparative —
  // stays off the cloud.
  it.each(
    [...SENSITIVE, ...SENSITIVE_REPHRASED, ...HELD_OUT.filter((l) => l.sensitive)].map((l) => [l.q, l]),
  )("never sends to the cloud: %s", (_q, l) => {
    const d = route(l as Labelled);
    expect(d.cloudAllowed).toBe(false);
    expect(d.chain.map((c) => c.provider)).not.toContain("openai");
    expect(d.sensitive.length).toBeGreaterThan(0);
  });

  it.each(ORDINARY.map((l) => [l.q, l]))("ordinary business question is not flagged: %s", (_q, l) => {
    expect(detectSensitive((l as Labelled).q, (l as Labelled).data ?? "").categories).toEqual([]);
  });

  it("business words that look private are not flagged", () => {
    for (const t of [
      "we sell medical supplies — how did the St Mary's clinic deal go?",
      "pipeline health this week",
      "is Friday a bank holiday in the UK",
      "who is the account manager on Globex",
      "commission revenue from the reseller channel",
      "the integration was disabled, did invoices sync?",
      "where does our office live on the website", // not a person
      "invoice INV-2026-004512 is 40 days late",
      "order 1234567890123 shipped", // 13 digits, not Luhn-valid
    ])
      expect(detectSensitive(t).categories, t).toEqual([]);
  });

  it("recognises numbers by structure, in any script", () => {
    expect(detectSensitive("pay to ES91 2100 0418 4502 0005 1332 please").categories).toContain("bank");
    expect(detectSensitive("pay to ES91 2100 0418 4502 0005 1333 please").categories).not.toContain("bank");
    expect(detectSensitive("4242424242424242").categories).toContain("card");
    expect(detectSensitive("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢").categories).toContain("card"); // Arabic-Indic digits
    expect(detectSensitive("４２４２ ４２４２ ４２４２ ４２４２").categories).toContain("card"); // full-width
    expect(detectSensitive("ssn 078-05-1120").categories).toContain("government_id");
  });

  it("agrees with the labelled route on ≥ 95 % of questions (tuning and held-out sets separately)", () => {
    const agree = (xs: Labelled[]) =>
      xs.filter((l) => route(l).route === expectedRoute(l)).length / xs.length;
    expect(agree([...ROUTING_CORPUS, ...SENSITIVE_REPHRASED])).toBeGreaterThanOrEqual(0.95);
    expect(agree(HELD_OUT)).toBeGreaterThanOrEqual(0.9);
    // Complex questions do reach the large tier.
    const complex = [...ORDINARY, ...HELD_OUT].filter((l) => !l.sensitive && l.level === "complex");
    expect(complex.filter((l) => route(l).route === "large").length).toBeGreaterThanOrEqual(
      complex.length - 1,
    );
  });
});
