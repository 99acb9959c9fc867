import { describe, expect, it } from "vitest";
import {
  complexity,
  decideRoute,
  detectSensitive,
  type RouterSettings,
} from "../../../src/core/infra/llm/index.js";

const settings: RouterSettings = {
  localMax: 0.16,
  largeMin: 0.5,
  downgradeAt: 0.9,
  hasOpenAi: true,
  hasOllama: true,
  models: { small: "gpt-4o-mini", large: "gpt-4o", local: "llama3.1:8b", offline: "rules-v1" },
};
const input = (text: string, extra: Partial<Parameters<typeof decideRoute>[0]> = {}) => ({
  text,
  tier: "small" as const,
  budgetShare: 0,
  rateLimited: false,
  ...extra,
});

const SIMPLE = "How is my business doing?";
const COMPLEX =
  "Compare the Acme and Globex deals, explain why our Q3 margin fell versus Q2, then recommend which to prioritise and what trade-offs that implies. Also list the first three steps.";

describe("complexity score", () => {
  it("stays in [0, 1] and grows with length, reasoning, steps and entities", () => {
    const s = complexity(SIMPLE).score;
    const c = complexity(COMPLEX).score;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(1);
    expect(s).toBeLessThan(0.1);
    expect(c).toBeGreaterThan(0.7);
    expect(complexity("word ".repeat(500)).score).toBeLessThanOrEqual(1);
    expect(complexity("Why?").reasoning).toBe(1);
    expect(complexity("First do this, then that, finally the other").steps).toBe(3);
  });
});

describe("sensitivity", () => {
  it.each([
    ["What is the payroll cost for March?", "payroll"],
    ["Show Ann's salary", "payroll"],
    ["Our IBAN is GB82 WEST 1234 5698 7654 32", "bank"],
    ["what's the account number for Hooli", "bank"],
    ["Her SSN is 123-45-6789", "government_id"],
    ["card 4111 1111 1111 1111 was declined", "card"],
    ["Is Bob on sick leave?", "health"],
  ])("flags %s as %s", (text, category) => {
    expect(detectSensitive(text).categories).toContain(category);
  });
  it("does not flag ordinary business questions", () => {
    for (const t of [
      SIMPLE,
      "Draft a follow-up to jane@acme.com about the Acme deal",
      "Forecast revenue for 90 days",
      COMPLEX,
    ])
      expect(detectSensitive(t)).toEqual({ sensitive: false, categories: [] });
  });
});

describe("router", () => {
  it("shifts the prompt's tier by complexity", () => {
    expect(decideRoute(input(SIMPLE), settings)).toMatchObject({
      route: "local",
      chain: [{ provider: "ollama" }, { provider: "openai", model: "gpt-4o-mini" }, { provider: "offline" }],
    });
    expect(
      decideRoute(input("Should we hire another rep or invest in marketing given our pipeline?"), settings),
    ).toMatchObject({ route: "small" });
    expect(decideRoute(input(COMPLEX), settings)).toMatchObject({
      route: "large",
      chain: [{ model: "gpt-4o" }, { provider: "ollama" }, { provider: "offline" }],
    });
    expect(decideRoute(input(COMPLEX, { tier: "local" }), settings).route).toBe("local");
    expect(decideRoute(input(SIMPLE, { tier: "large" }), settings).route).toBe("small");
  });

  it("never lets sensitive data reach a cloud provider", () => {
    const d = decideRoute(input(COMPLEX, { sensitiveText: "salary review for Ann" }), settings);
    expect(d).toMatchObject({ route: "local", cloudAllowed: false, sensitive: ["payroll"] });
    expect(d.chain.map((l) => l.provider)).toEqual(["ollama", "offline"]);
    const noLocal = decideRoute(input("payroll totals?"), { ...settings, hasOllama: false });
    expect(noLocal.chain.map((l) => l.provider)).toEqual(["offline"]);
    expect(noLocal.reason).toMatch(/no local model configured → offline/);
  });

  it("downgrades to local at the budget threshold and goes offline when rate limited", () => {
    expect(decideRoute(input(COMPLEX, { budgetShare: 0.89 }), settings).route).toBe("large");
    const near = decideRoute(input(COMPLEX, { budgetShare: 0.9 }), settings);
    expect(near).toMatchObject({ route: "local", cloudAllowed: false });
    expect(near.reason).toBe("budget 90% used ≥ 90% → local");
    expect(decideRoute(input(SIMPLE, { rateLimited: true }), settings)).toMatchObject({
      route: "offline",
      chain: [{ provider: "offline" }],
    });
  });

  it("maps onto configured providers and says so", () => {
    const cloudOnly = decideRoute(input(SIMPLE), { ...settings, hasOllama: false });
    expect(cloudOnly).toMatchObject({ route: "small" });
    expect(cloudOnly.reason).toMatch(/no local model → small/);
    const none = decideRoute(input(COMPLEX), { ...settings, hasOllama: false, hasOpenAi: false });
    expect(none.chain.map((l) => l.provider)).toEqual(["offline"]);
  });

  it("is deterministic", () => {
    const a = decideRoute(input(COMPLEX, { budgetShare: 0.5 }), settings);
    for (let i = 0; i < 20; i++)
      expect(decideRoute(input(COMPLEX, { budgetShare: 0.5 }), settings)).toEqual(a);
  });
});
