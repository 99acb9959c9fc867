import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LlmRequest } from "../../../src/core/ports/llm.js";
import { type FakeOllama, startFakeOllama } from "../../support/fake-ollama-server.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type LlmTestDeps, ledgerRows, llmTestDeps, makeTenant } from "./helpers.js";

const figures = {
  tenant_name: "Acme",
  today: "2026-11-21",
  figures: "- Open pipeline: $10,000",
  summary: "",
};
const ask = (tenantId: string, question: string, userId?: string): LlmRequest => ({
  ctx: { tenantId, feature: "coach", ...(userId ? { userId } : {}) },
  promptId: "coach.answer",
  variables: { ...figures, question },
  routingText: question,
});

const SIMPLE = "How is my business doing?";
const MODERATE =
  "Which of my deals should I focus on this week to close more revenue before the holidays, and what should I say?";
const COMPLEX =
  "Compare the Acme and Globex deals, explain why our Q3 margin fell versus Q2, then recommend which to prioritise and what trade-offs that implies for cash in December. Also list the first three steps.";

describe("LLM gateway routing and fallback (real openai/ollama clients against local servers)", () => {
  let openai: FakeOpenAi;
  let ollama: FakeOllama;
  let deps: LlmTestDeps;
  let tenantId: string;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    ollama = await startFakeOllama();
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      OLLAMA_HOST: ollama.url,
      LLM_CACHE_TTL_SECONDS: "0",
      LLM_BREAKER_THRESHOLD: "50",
    });
    ({ tenantId } = await makeTenant(deps, "route"));
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
    await ollama.close();
  });
  afterEach(() => {
    openai.requests.length = 0;
    ollama.requests.length = 0;
  });

  it("sends a simple question to the local model, a moderate one to the small cloud model and a complex one to the large", async () => {
    const simple = await deps.llm.chat(ask(tenantId, SIMPLE));
    expect(simple.meta).toMatchObject({ provider: "ollama", route: "local" });
    expect(simple.meta.routeReason).toMatch(/simple/);
    const moderate = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(moderate.meta).toMatchObject({ provider: "openai", route: "small", model: "gpt-4o-mini" });
    const complex = await deps.llm.chat(ask(tenantId, COMPLEX));
    expect(complex.meta).toMatchObject({ provider: "openai", route: "large", model: "gpt-4o" });
    expect(complex.meta.routeReason).toMatch(/complex/);
    expect(openai.chats().map((r) => r.body.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(ollama.chats()).toHaveLength(1);
  });

  it("keeps payroll and bank questions on the local model whatever their complexity", async () => {
    const r = await deps.llm.chat(
      ask(tenantId, `${COMPLEX} Include payroll and the IBAN DE89 3704 0044 0532 0130 00.`),
    );
    expect(r.meta.provider).toBe("ollama");
    expect(r.meta.routeReason).toMatch(/sensitive data \(bank.*payroll\)/);
    expect(openai.chats()).toHaveLength(0);
  });

  it("routes identically for the same input and state", async () => {
    const a = await deps.llm.chat(ask(tenantId, MODERATE));
    const b = await deps.llm.chat(ask(tenantId, MODERATE));
    expect([a.meta.route, a.meta.routeReason]).toEqual([b.meta.route, b.meta.routeReason]);
  });

  it("retries a 500 once on the same provider, then falls back to Ollama: 3 attempts in all", async () => {
    openai.enqueue({ status: 500 }, { status: 500 });
    const r = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r.meta.provider).toBe("ollama");
    expect(r.meta.fallbacks).toEqual(["openai:server_error"]);
    expect(r.meta.attempts).toBe(3);
    expect(openai.chats()).toHaveLength(2);
    expect(ollama.chats()).toHaveLength(1);
  });

  it("never makes more than 3 provider calls for one request, ending offline", async () => {
    openai.enqueue({ status: 500 }, { status: 500 });
    ollama.enqueue({ status: 500 }, { status: 500 });
    const r = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r.meta.provider).toBe("offline");
    expect(openai.chats().length + ollama.chats().length).toBe(3);
    expect(r.meta.fallbacks).toEqual(["openai:server_error", "ollama:server_error"]);
  });

  it("waits for a short Retry-After and retries on the same provider", async () => {
    openai.enqueue({ status: 429, retryAfter: "0.2" });
    const t0 = Date.now();
    const r = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r.meta.provider).toBe("openai");
    expect(openai.chats()).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it("skips a provider whose Retry-After is long, now and for the next requests", async () => {
    openai.enqueue({ status: 429, retryAfter: "120" });
    const r1 = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r1.meta.provider).toBe("ollama");
    expect(openai.chats()).toHaveLength(1);
    const r2 = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r2.meta.provider).toBe("ollama");
    expect(r2.meta.fallbacks).toEqual(["openai:rate_limited"]);
    expect(openai.chats()).toHaveLength(1);
    expect((await deps.llm.health()).openai).toBe("degraded");
  });

  it("records every call in the ledger with route reason and outcome", async () => {
    const rows = await ledgerRows(deps, tenantId);
    expect(rows.length).toBeGreaterThan(5);
    const errors = rows.filter((r) => r.outcome === "error");
    expect(errors.map((r) => r.errorCode)).toContain("server_error");
    expect(rows.every((r) => r.promptId === "coach.answer" && r.promptVersion === 1 && r.routeReason)).toBe(
      true,
    );
  });
});

describe("timeouts, garbage and the circuit breaker", () => {
  let openai: FakeOpenAi;
  let ollama: FakeOllama;
  let deps: LlmTestDeps;
  let tenantId: string;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    ollama = await startFakeOllama();
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OLLAMA_HOST: ollama.url,
      OPENAI_TIMEOUT_MS: "300",
      OLLAMA_TIMEOUT_MS: "300",
      LLM_BREAKER_THRESHOLD: "4",
      LLM_BREAKER_FAILURE_RATE: "0.6",
      LLM_BREAKER_HALF_OPEN_MS: "60000",
      LLM_CACHE_TTL_SECONDS: "0",
    });
    ({ tenantId } = await makeTenant(deps, "faults"));
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
    await ollama.close();
  });
  afterEach(() => {
    openai.requests.length = 0;
    ollama.requests.length = 0;
  });

  it("abandons a hung Ollama after its timeout (the client has none) and answers from the cloud", async () => {
    ollama.enqueue({ hang: true });
    const t0 = Date.now();
    const r = await deps.llm.chat(ask(tenantId, SIMPLE));
    expect(r.meta.provider).toBe("openai");
    expect(r.meta.fallbacks).toEqual(["ollama:timeout"]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(ollama.chats()).toHaveLength(1);
  });

  it("treats malformed JSON as a typed provider error and falls back", async () => {
    openai.enqueue({ malformed: true });
    const r = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r.meta.provider).toBe("ollama");
    expect(r.meta.fallbacks).toEqual(["openai:bad_response"]);
    const rows = await ledgerRows(deps, tenantId);
    expect(rows.some((x) => x.errorCode === "bad_response" && x.provider === "openai")).toBe(true);
  });

  it("opens the breaker once the failure rate over the window passes its threshold and stops calling the provider", async () => {
    // Window so far: 1 ok (the hung-Ollama answer), 1 failure (malformed); this success makes 2 of 3 ok.
    await deps.llm.chat(ask(tenantId, MODERATE));
    openai.requests.length = 0;
    openai.enqueue({ status: 503 }, { status: 503 });
    await deps.llm.chat(ask(tenantId, MODERATE)); // 503, retried, 503: 3 failures of 5 calls ≥ 60 %
    expect(openai.chats()).toHaveLength(2);
    expect(deps.gateway.breakerStates().openai).toBe("open");
    const r = await deps.llm.chat(ask(tenantId, MODERATE));
    expect(r.meta.provider).toBe("ollama");
    expect(r.meta.fallbacks).toEqual(["openai:circuit_open"]);
    expect(openai.chats()).toHaveLength(2);
    expect((await deps.llm.health()).openai).toBe("degraded");
    const metrics = await deps.metrics.registry.getSingleMetricAsString("keel_llm_breaker_state");
    expect(metrics).toMatch(/keel_llm_breaker_state\{provider="openai"\} 2/);
    expect(await deps.metrics.registry.getSingleMetricAsString("keel_llm_fallbacks_total")).toMatch(
      /reason="circuit_open"/,
    );
  });
});
