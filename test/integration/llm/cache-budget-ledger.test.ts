import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { budgets } from "../../../src/core/infra/db/schema/index.js";
import { usageReport } from "../../../src/core/infra/llm/index.js";
import type { LlmRequest } from "../../../src/core/ports/llm.js";
import { type FakeOllama, startFakeOllama } from "../../support/fake-ollama-server.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type LlmTestDeps, ledgerRows, llmTestDeps, makeTenant } from "./helpers.js";

const MODERATE =
  "Which of my deals should I focus on this week to close more revenue before the holidays, and what should I say?";
const ask = (tenantId: string, question: string, userId?: string): LlmRequest => ({
  ctx: { tenantId, feature: "coach", ...(userId ? { userId } : {}) },
  promptId: "coach.answer",
  variables: {
    tenant_name: "Acme",
    today: "2026-11-21",
    figures: "- Open pipeline: $10,000",
    summary: "",
    question,
  },
  routingText: question,
});

describe("response cache", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    deps = await llmTestDeps({ OPENAI_BASE_URL: openai.url, LLM_CACHE_TTL_SECONDS: "600" });
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });

  it("hits on a repeat (after normalisation) within a tenant and never across tenants", async () => {
    const a = await makeTenant(deps, "cache-a");
    const b = await makeTenant(deps, "cache-b");
    const first = await deps.llm.chat(ask(a.tenantId, MODERATE));
    const again = await deps.llm.chat(ask(a.tenantId, `  ${MODERATE.toUpperCase()}  `));
    expect(first.meta.cacheHit).toBe(false);
    expect(again.meta).toMatchObject({ cacheHit: true, costMicros: 0, provider: "openai" });
    expect(again.text).toBe(first.text);
    expect(openai.chats()).toHaveLength(1);
    const other = await deps.llm.chat(ask(b.tenantId, MODERATE));
    expect(other.meta.cacheHit).toBe(false);
    expect(openai.chats()).toHaveLength(2);
    expect(deps.gateway.cacheStats()).toMatchObject({ hits: 1, misses: 2 });
    expect(await deps.metrics.registry.getSingleMetricAsString("keel_llm_cache_total")).toMatch(
      /result="hit"\} 1/,
    );
    const rows = await ledgerRows(deps, a.tenantId);
    expect(rows.map((r) => r.cacheHit).sort()).toEqual([false, true]);
  });

  it("misses when the prompt inputs change", async () => {
    const a = await makeTenant(deps, "cache-c");
    await deps.llm.chat(ask(a.tenantId, MODERATE));
    const changed = await deps.llm.chat({
      ...ask(a.tenantId, MODERATE),
      variables: { ...ask(a.tenantId, MODERATE).variables, figures: "- Open pipeline: $99" },
    });
    expect(changed.meta.cacheHit).toBe(false);
  });
});

describe("cost ledger, budgets and rate limits", () => {
  let openai: FakeOpenAi;
  let ollama: FakeOllama;
  let deps: LlmTestDeps;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    ollama = await startFakeOllama();
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      LLM_CACHE_TTL_SECONDS: "0",
      LLM_TENANT_RATE_PER_MIN: "5",
    });
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
    await ollama.close();
  });
  afterEach(() => {
    openai.requests.length = 0;
  });

  it("writes one priced row per call with tenant, user, feature, prompt version and route", async () => {
    const t = await makeTenant(deps, "ledger");
    openai.enqueue({ reply: "ok", usage: { prompt_tokens: 2_000, completion_tokens: 500 } });
    const r = await deps.llm.chat(ask(t.tenantId, MODERATE, t.userA));
    expect(r.meta.costMicros).toBe(2_000 * 0.15 + 500 * 0.6);
    const [row] = await ledgerRows(deps, t.tenantId);
    expect(row).toMatchObject({
      tenantId: t.tenantId,
      userId: t.userA,
      feature: "coach",
      provider: "openai",
      model: "gpt-4o-mini",
      promptId: "coach.answer",
      promptVersion: 1,
      tokensIn: 2_000,
      tokensOut: 500,
      costMicros: 600,
      cacheHit: false,
      route: "small",
      outcome: "ok",
    });
    expect(row!.routeReason).toMatch(/moderate/);
    const month = new Date().toISOString().slice(0, 7);
    const report = await usageReport(deps.db, t.tenantId, month);
    expect(report.totals).toMatchObject({ calls: 1, costMicros: 600, tokensIn: 2_000 });
    expect(report.byFeature).toEqual([
      { key: "coach", calls: 1, tokensIn: 2_000, tokensOut: 500, costMicros: 600 },
    ]);
    expect(report.byUser[0]!.key).toBe("a@ledger.test");
    expect(report.byDay).toHaveLength(1);
    expect(await deps.metrics.registry.getSingleMetricAsString("keel_llm_cost_micros_total")).toMatch(
      /model="gpt-4o-mini",feature="coach"\} 600/,
    );
  });

  it("makes zero calls to the cloud server when the tenant is over its monthly budget", async () => {
    const t = await makeTenant(deps, "broke");
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.insert(budgets).values({ tenantId: t.tenantId, scope: "tenant_month", limitMicros: 1 }),
    );
    const r = await deps.llm.chat(ask(t.tenantId, MODERATE, t.userA));
    expect(openai.chats()).toHaveLength(0);
    expect(r.meta.provider).toBe("offline");
    expect(r.meta.routeReason).toMatch(/budget/);
  });

  it("makes zero cloud calls when the user's daily budget is spent", async () => {
    const t = await makeTenant(deps, "user-cap");
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx
        .insert(budgets)
        .values({ tenantId: t.tenantId, scope: "user_day", userId: t.userA, limitMicros: 700 }),
    );
    openai.enqueue({ reply: "ok", usage: { prompt_tokens: 2_000, completion_tokens: 500 } }); // 600 µ$ = 86 % of 700
    await deps.llm.chat(ask(t.tenantId, MODERATE, t.userA));
    const second = await deps.llm.chat(ask(t.tenantId, `${MODERATE} Please.`, t.userA));
    expect(openai.chats()).toHaveLength(1);
    expect(second.meta.routeReason).toMatch(/budget 86% used ≥ 90%|budget reservation/);
    // Bob has his own daily budget.
    const bob = await deps.llm.chat(ask(t.tenantId, MODERATE, t.userB));
    expect(bob.meta.provider).toBe("openai");
  });

  it("downgrades near the cap (≥ 90 %) instead of spending the rest on the cloud", async () => {
    const t = await makeTenant(deps, "near-cap");
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.insert(budgets).values({ tenantId: t.tenantId, scope: "tenant_month", limitMicros: 650 }),
    );
    openai.enqueue({ reply: "ok", usage: { prompt_tokens: 2_000, completion_tokens: 500 } }); // 600 of 650 = 92 %
    // The first call's reservation (worst case) fits: 650 µ$ limit vs its estimate.
    const first = await deps.llm.chat({
      ...ask(t.tenantId, "Which deals should I focus on, and what should I say?"),
      variables: {
        ...ask(t.tenantId, "").variables,
        question: "Which deals should I focus on, and what should I say?",
      },
    });
    expect(first.meta.provider).toBe("openai");
    const second = await deps.llm.chat(ask(t.tenantId, MODERATE));
    expect(second.meta.provider).toBe("offline");
    expect(second.meta.routeReason).toMatch(/budget 92% used ≥ 90% → local/);
  });

  it("lets only one of two concurrent calls reserve the last of the budget", async () => {
    const t = await makeTenant(deps, "race");
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.insert(budgets).values({ tenantId: t.tenantId, scope: "tenant_month", limitMicros: 600 }),
    );
    openai.setDefault({
      reply: "slow answer",
      // Long enough that the first call is still in flight (its reservation unsettled) when the
      // second reserves, even on a loaded machine where preparing a request takes a while.
      delayMs: 2_000,
      usage: { prompt_tokens: 10, completion_tokens: 10 },
    });
    try {
      const results = await Promise.all([
        deps.llm.chat(ask(t.tenantId, MODERATE)),
        deps.llm.chat(ask(t.tenantId, `${MODERATE}!`)),
      ]);
      expect(openai.chats()).toHaveLength(1);
      expect(results.map((r) => r.meta.provider).sort()).toEqual(["offline", "openai"]);
      expect(results.find((r) => r.meta.provider === "offline")!.meta.routeReason).toMatch(
        /reservation .* refused/,
      );
    } finally {
      openai.setDefault({ reply: "fake answer" });
    }
  });

  it("answers offline once the tenant's per-minute rate limit is reached", async () => {
    const t = await makeTenant(deps, "chatty");
    const metas = [];
    for (let i = 0; i < 6; i++) metas.push((await deps.llm.chat(ask(t.tenantId, `${MODERATE} ${i}`))).meta);
    expect(metas.slice(0, 5).every((m) => m.provider === "openai")).toBe(true);
    expect(metas[5]).toMatchObject({
      provider: "offline",
      routeReason: "tenant rate limit reached → offline",
    });
  });
});
