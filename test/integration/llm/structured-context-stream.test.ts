import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { countMessageTokens, guardSystem, isLlmError } from "../../../src/core/infra/llm/index.js";
import type { ChatMessage } from "../../../src/core/ports/llm.js";
import { type FakeOllama, startFakeOllama } from "../../support/fake-ollama-server.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type LlmTestDeps, ledgerRows, llmTestDeps, makeTenant } from "./helpers.js";

const summarySchema = z.object({
  summary: z.string(),
  next_action: z.string(),
  blockers: z.array(z.string()),
  missing_information: z.array(z.string()),
  confidence: z.number().min(0).max(1),
});
const valid = {
  summary: "Acme is in Proposal.",
  next_action: "Send the PO",
  blockers: [],
  missing_information: ["PO"],
  confidence: 0.7,
};
const dealReq = (tenantId: string) => ({
  ctx: { tenantId, feature: "deal.summary" },
  promptId: "deal.summarize",
  variables: {
    deal: { name: "Acme renewal", stage: "Proposal", value: "$5,000" },
    notes: "Call went well; they need a PO.",
    checklist: "PO: missing",
  },
  routingText: "Compare and explain the Acme renewal deal status, then recommend next steps and why.",
});

describe("structured output", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;
  let tenantId: string;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    deps = await llmTestDeps({ OPENAI_BASE_URL: openai.url, LLM_CACHE_TTL_SECONDS: "0" });
    ({ tenantId } = await makeTenant(deps, "structured"));
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });
  afterEach(() => {
    openai.requests.length = 0;
  });

  it("uses JSON mode and extracts JSON from a fenced block", async () => {
    openai.enqueue({ reply: `Here you go:\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\`` });
    const r = await deps.llm.structured(summarySchema, dealReq(tenantId));
    expect(r.value).toEqual(valid);
    expect(r.meta.provider).toBe("openai");
    expect(openai.chats()[0]!.body.response_format).toEqual({ type: "json_object" });
  });

  it("sends the validation error back once and accepts the repaired answer", async () => {
    openai.enqueue(
      { reply: JSON.stringify({ ...valid, confidence: "high" }) },
      { reply: JSON.stringify(valid) },
    );
    const r = await deps.llm.structured(summarySchema, dealReq(tenantId));
    expect(r.value).toEqual(valid);
    const [first, repair] = openai.chats();
    expect(repair!.body.messages.length).toBe(first!.body.messages.length + 2);
    expect(repair!.body.messages.at(-2)).toMatchObject({ role: "assistant" });
    expect(repair!.body.messages.at(-1)!.content).toMatch(/confidence: .*expected number/i);
    expect(r.meta.warnings).toContain("repaired after invalid structured output");
    expect(r.meta.attempts).toBe(2);
  });

  it("throws a typed provider_error (invalid_output) when the repair is invalid too", async () => {
    openai.enqueue({ reply: "no json at all" }, { reply: '{"summary": 3}' });
    const err = await deps.llm.structured(summarySchema, dealReq(tenantId)).catch((e: unknown) => e);
    expect(isLlmError(err)).toBe(true);
    expect(err).toMatchObject({ code: "provider_error", subCode: "invalid_output" });
    expect(String((err as Error).message)).toMatch(/^invalid_output: deal.summarize@1/);
    expect(openai.chats()).toHaveLength(2);
  });

  it("falls back to the deterministic offline template (confidence 0) when the cloud is down", async () => {
    openai.enqueue({ status: 500 }, { status: 500 });
    const r = await deps.llm.structured(summarySchema, dealReq(tenantId));
    expect(r.meta.provider).toBe("offline");
    expect(r.value.confidence).toBe(0);
    expect(r.value.next_action).toMatch(/Agree the next step/);
  });
});

describe("context window management", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;
  let tenantId: string;

  const history = (n: number): ChatMessage[] =>
    Array.from({ length: n }, (_, i) => ({
      role: i % 2 ? ("assistant" as const) : ("user" as const),
      content: `Turn ${i}: ${"pipeline detail ".repeat(20)}`,
    }));
  const req = (h: ChatMessage[], question = "How is it going?") => ({
    ctx: { tenantId, feature: "coach" },
    promptId: "coach.answer",
    variables: { tenant_name: "T", today: "2026-11-21", figures: "-", summary: "", question },
    history: h,
    routingText: "Which deals should I focus on, and what should I say?",
  });

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODEL_SMALL: "tiny-model",
      LLM_MODEL_LIMITS_JSON: JSON.stringify({ "tiny-model": 3_000 }),
      LLM_CACHE_TTL_SECONDS: "0",
    });
    ({ tenantId } = await makeTenant(deps, "context"));
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });

  /** Share of the 3,000-token window (600 reserved for output) with `n` history turns. */
  const share = (n: number) => {
    const p = deps.gateway.prompts.render("coach.answer", req([]).variables);
    const msgs = [
      // The gateway appends the instruction hierarchy and the tenant's canary to every system prompt.
      { role: "system" as const, content: guardSystem(p.system, tenantId) },
      ...history(n),
      { role: "user" as const, content: p.user },
    ];
    return (countMessageTokens(msgs, "tiny-model") + 600) / 3_000;
  };

  it("warns between 75 % and 85 % of the window without dropping anything", async () => {
    const n = Array.from({ length: 40 }, (_, i) => i).find((i) => share(i) >= 0.75 && share(i) <= 0.85)!;
    expect(n).toBeGreaterThan(0);
    const r = await deps.llm.chat(req(history(n)));
    const sent = openai.chats().at(-1)!.body.messages;
    expect(sent.length).toBe(n + 2);
    expect(r.meta.warnings).toEqual([`context ${Math.round(share(n) * 100)}% of 3000 tokens`]);
  });

  it("truncates above 85 %, keeping the system prompt, the first message and the most recent ones", async () => {
    const h = history(30);
    expect(share(30)).toBeGreaterThan(0.85);
    const r = await deps.llm.chat(req(h));
    const sent = openai.chats().at(-1)!.body.messages;
    expect(sent.length).toBeLessThan(32);
    expect(sent[0]!.role).toBe("system");
    expect(sent[1]!.content).toBe(h[0]!.content);
    expect(sent.at(-2)!.content).toBe(h.at(-1)!.content);
    expect(sent.at(-1)!.content).toBe("How is it going?");
    expect(r.meta.warnings?.some((w) => w.startsWith("context truncated (keep_ends)"))).toBe(true);
    expect(share(sent.length - 2)).toBeLessThanOrEqual(0.85);
    expect(share(sent.length - 1)).toBeGreaterThan(0.85); // dropped no more than needed
  });

  it("refuses a single message larger than the window with a typed error and no call", async () => {
    const before = openai.chats().length;
    const err = await deps.llm.chat(req([], "x ".repeat(6_000))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "bad_input", subCode: "context_overflow" });
    expect(openai.chats().length).toBe(before);
  });
});

describe("streaming over the real wire formats", () => {
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
      LLM_CACHE_TTL_SECONDS: "0",
    });
    ({ tenantId } = await makeTenant(deps, "stream"));
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
    await ollama.close();
  });

  const req = (question: string) => ({
    ctx: { tenantId, feature: "coach" },
    promptId: "coach.answer",
    variables: { tenant_name: "T", today: "2026-11-21", figures: "-", summary: "", question },
    routingText: question,
  });

  it("streams SSE chunks from the OpenAI-compatible server and records its usage", async () => {
    openai.enqueue({
      reply: "Your pipeline looks healthy this week.",
      usage: { prompt_tokens: 321, completion_tokens: 9 },
    });
    const parts: string[] = [];
    for await (const p of deps.llm.stream(
      req("Which deals should I focus on this week, and what should I say?"),
    ))
      parts.push(p);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.join("")).toBe("Your pipeline looks healthy this week.");
    expect(openai.chats()[0]!.body.stream).toBe(true);
    const row = (await ledgerRows(deps, tenantId)).at(-1)!;
    expect(row).toMatchObject({ provider: "openai", tokensIn: 321, tokensOut: 9, outcome: "ok" });
  });

  it("streams NDJSON from Ollama", async () => {
    ollama.enqueue({ reply: "Local model says hello there." });
    const parts: string[] = [];
    for await (const p of deps.llm.stream(req("Hi"))) parts.push(p);
    expect(parts.join("")).toBe("Local model says hello there.");
    expect(ollama.chats().at(-1)!.body.stream).toBe(true);
  });

  it("asks Ollama for JSON output on structured calls", async () => {
    ollama.enqueue({ reply: '{"intent":"cashflow","args":{"days":30},"confidence":0.9}' });
    const r = await deps.llm.structured(z.object({ intent: z.string(), confidence: z.number() }), {
      ctx: { tenantId, feature: "intent.classify" },
      promptId: "intent.classify",
      variables: { message: "cash next month?" },
    });
    expect(r).toMatchObject({ value: { intent: "cashflow" }, meta: { provider: "ollama", route: "local" } });
    expect(ollama.chats().at(-1)!.body.format).toBe("json");
  });

  it("falls back before the first chunk when the provider fails", async () => {
    ollama.enqueue({ status: 500 }, { status: 500 });
    openai.enqueue({ reply: "Cloud fallback." });
    const parts: string[] = [];
    for await (const p of deps.llm.stream(req("Hi again"))) parts.push(p);
    expect(parts.join("")).toBe("Cloud fallback.");
  });
});

describe("bad credentials at start-up", () => {
  it("isolates the provider after a 401 probe: degraded, and no chat calls are wasted", async () => {
    const openai = await startFakeOpenAi();
    openai.modelsStatus = 401;
    const deps = await llmTestDeps({ OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: "sk-wrong" });
    try {
      const { tenantId } = await makeTenant(deps, "badkey");
      expect((await deps.llm.health()).openai).toBe("degraded");
      const r = await deps.llm.chat({
        ctx: { tenantId, feature: "coach" },
        promptId: "coach.answer",
        variables: {
          tenant_name: "T",
          today: "2026-11-21",
          figures: "- Pipeline: $1",
          summary: "",
          question: "How is my business doing?",
        },
      });
      expect(r.meta.provider).toBe("offline");
      expect(openai.chats()).toHaveLength(0);
    } finally {
      await deps.cleanup();
      await openai.close();
    }
  });
});
