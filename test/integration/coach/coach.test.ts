import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerCoach,
  classifyIntent,
  EMPTY_MESSAGE_REPLY,
  TOO_LONG_REPLY,
} from "../../../src/core/features/coach/index.js";
import { conversations } from "../../../src/core/infra/db/schema/index.js";
import { markdownToPlain } from "../../../src/core/kernel/markdown/index.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type LlmTestDeps, ledgerRows, llmTestDeps, makeTenant } from "../llm/helpers.js";
import { seedCompany } from "./seed.js";

const today = new Date();

describe("coach without any model (offline provider)", () => {
  let deps: LlmTestDeps;
  let t: Awaited<ReturnType<typeof makeTenant>>;
  const base = () => ({ tenantId: t.tenantId, userId: t.userA, channel: "console", conversationId: "local" });

  beforeAll(async () => {
    deps = await llmTestDeps();
    t = await makeTenant(deps, "offline-co");
    await seedCompany(deps, t.tenantId, today);
  });
  afterAll(() => deps.cleanup());

  it("answers 'how is my business doing?' from the computed figures, with sources", async () => {
    const reply = await answerCoach(deps, { ...base(), text: "How is my business doing?" });
    expect(reply.text).toContain("$15,000 across 3 deals");
    expect(reply.text).toContain("Lead 1 · $5,000; Proposal 2 · $10,000");
    // Labels are bold Markdown; what a reader sees, in any channel, is "Stuck deals: 1".
    expect(markdownToPlain(reply.text)).toContain("Stuck deals: 1");
    expect(reply.text).toContain("$3,000 outstanding on 1 invoice");
    expect(reply.text).toContain("$3,000 vs $2,400 in the 30 days before (+25.0%)");
    expect(markdownToPlain(reply.text)).toContain("Cash collected, last 30 days: $1,000");
    expect(reply.sources?.map((s) => s.label)).toEqual([
      "Open pipeline",
      "Stuck deals",
      "Overdue invoices",
      "Revenue, last 30 days",
      "Cash collected",
    ]);
    expect(reply.meta).toMatchObject({
      provider: "offline",
      model: "rules-v1",
      route: "offline",
      prompt: "coach.answer@1",
      costMicros: 0,
      cacheHit: false,
    });
    expect(String(reply.meta?.routeReason)).toMatch(/no local model.*offline/);
    expect(deps.llm.hasModel()).toBe(false);
  });

  it("replies clearly to an empty message without calling anything", async () => {
    const before = (await ledgerRows(deps, t.tenantId)).length;
    const reply = await answerCoach(deps, { ...base(), text: "   \n " });
    expect(reply.text).toBe(EMPTY_MESSAGE_REPLY);
    expect((await ledgerRows(deps, t.tenantId)).length).toBe(before);
  });

  it("replies clearly to a message over the context limit instead of crashing", async () => {
    const reply = await answerCoach(deps, { ...base(), text: "Please read this contract. ".repeat(3_000) });
    expect(reply.text).toBe(TOO_LONG_REPLY);
    expect(reply.meta?.outcome).toBe("too_long");
  });

  it("classifies commands by rules, with arguments", async () => {
    const ctx = { tenantId: t.tenantId, userId: t.userA };
    expect(await classifyIntent(deps, ctx, "cashflow 90")).toMatchObject({
      kind: "cashflow",
      args: { days: 90 },
      via: "rules",
    });
    expect(await classifyIntent(deps, ctx, "deal Acme renewal")).toMatchObject({
      kind: "deal",
      args: { name: "Acme renewal" },
    });
    expect(await classifyIntent(deps, ctx, "Why did revenue drop last week?")).toMatchObject({
      kind: "why",
      args: { metric: "revenue", direction: "down" },
    });
    expect(await classifyIntent(deps, ctx, "remind Hooli about INV-1")).toMatchObject({
      kind: "remind",
      args: { target: "Hooli" },
    });
    expect(await classifyIntent(deps, ctx, "plan staffing for next week")).toMatchObject({
      kind: "plan",
      args: { domain: "staffing" },
    });
    expect(await classifyIntent(deps, ctx, "I want to set a goal for Q1")).toMatchObject({ kind: "goal" });
    expect(await classifyIntent(deps, ctx, "forecast revenue for 90 days")).toMatchObject({
      kind: "forecast",
      args: { metric: "revenue", horizon: 90 },
    });
    expect(await classifyIntent(deps, ctx, "help")).toMatchObject({ kind: "help" });
    expect(await classifyIntent(deps, ctx, "How is my business doing?")).toMatchObject({
      kind: "coach",
      via: "rules",
    });
  });
});

describe("coach with a cloud model", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;
  let t: Awaited<ReturnType<typeof makeTenant>>;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "0",
    });
    t = await makeTenant(deps, "cloud-co");
    await seedCompany(deps, t.tenantId, today);
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });

  it("grounds the model in the figures and reports provider, route, tokens, cost and prompt version", async () => {
    openai.enqueue({
      reply: "Pipeline is $15,000 across 3 deals.",
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    });
    const reply = await answerCoach(deps, {
      tenantId: t.tenantId,
      userId: t.userA,
      channel: "slack",
      conversationId: "C1",
      text: "How is my business doing?",
    });
    const sent = openai.chats().at(-1)!.body;
    expect(sent.messages[0]!.role).toBe("system");
    expect(sent.messages[0]!.content).toContain("Open pipeline: $15,000 across 3 deals");
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "How is my business doing?" });
    expect(reply.text).toBe("Pipeline is $15,000 across 3 deals.");
    // gpt-4o-mini: 1000 × $0.15/M + 100 × $0.60/M = 150 + 60 µ$
    expect(reply.meta).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      tokensIn: 1000,
      tokensOut: 100,
      costMicros: 210,
      prompt: "coach.answer@1",
      cacheHit: false,
    });
    expect(reply.sources?.length).toBe(5);
  });

  it("keeps two people's histories apart in the same channel and conversation", async () => {
    const inA = {
      tenantId: t.tenantId,
      userId: t.userA,
      channel: "slack",
      conversationId: "C-shared",
      threadId: "T1",
    };
    const inB = { ...inA, userId: t.userB };
    await answerCoach(deps, { ...inA, text: "Our secret launch is codenamed Bluebird." });
    await answerCoach(deps, { ...inB, text: "What is our open pipeline?" });
    const bSent = JSON.stringify(openai.chats().at(-1)!.body.messages);
    expect(bSent).not.toContain("Bluebird");
    await answerCoach(deps, { ...inA, text: "Remind me what the launch is called?" });
    const aSent = openai.chats().at(-1)!.body.messages;
    expect(aSent.some((m) => m.role === "user" && m.content.includes("Bluebird"))).toBe(true);
    expect(JSON.stringify(aSent)).not.toContain("What is our open pipeline?");
  });

  it("sends no history with a self-contained question, so one person's words stay out of a shared answer", async () => {
    const inA = { tenantId: t.tenantId, userId: t.userA, channel: "slack", conversationId: "C-alone" };
    await answerCoach(deps, { ...inA, text: "Our secret launch is codenamed Kestrel." });
    await answerCoach(deps, { ...inA, text: "How many deals are stuck?" });
    const sent = openai.chats().at(-1)!.body.messages;
    expect(sent.map((m) => m.role)).toEqual(["system", "user"]);
    expect(JSON.stringify(sent)).not.toContain("Kestrel");
  });

  it("sends the last messages verbatim and folds older ones into a running summary", async () => {
    const input = {
      tenantId: t.tenantId,
      userId: t.userA,
      channel: "whatsapp",
      conversationId: "+1555",
      text: "",
    };
    for (let i = 1; i <= 8; i++)
      await answerCoach(deps, { ...input, text: `What about question number ${i} on margins?` });
    const [conv] = await deps.db.tenantTx(t.tenantId, (tx) =>
      tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.externalId, "+1555"), eq(conversations.userId, t.userA))),
    );
    expect(conv!.summary).toBeTruthy();
    expect(conv!.state.summarizedThrough).toBeTruthy();
    const lastAnswerCall = openai
      .chats()
      .filter((r) => r.body.messages.at(-1)?.content === "What about question number 8 on margins?")[0]!;
    const history = lastAnswerCall.body.messages.slice(1, -1);
    expect(history.length).toBeGreaterThanOrEqual(10);
    expect(history.length).toBeLessThanOrEqual(13);
    expect(lastAnswerCall.body.messages[0]!.content).toContain(conv!.summary!.slice(0, 20));
  });

  it("asks the model only when the rules are ambiguous", async () => {
    const before = openai.chats().length;
    const plain = await classifyIntent(deps, { tenantId: t.tenantId }, "cashflow 60");
    expect(plain.via).toBe("rules");
    expect(openai.chats().length).toBe(before);
    openai.enqueue({ reply: '{"intent":"forecast","args":{"metric":"revenue"},"confidence":0.8}' });
    const r = await classifyIntent(deps, { tenantId: t.tenantId }, "What will we make next quarter?");
    expect(r).toMatchObject({ kind: "forecast", via: "model", args: { metric: "revenue" } });
    expect(openai.chats().at(-1)!.body.response_format).toEqual({ type: "json_object" });
  });
});

describe("coach with a misconfigured provider", () => {
  it("warns at start, reports the provider degraded and answers offline", async () => {
    const deps = await llmTestDeps({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "sk-bad" });
    try {
      const t = await makeTenant(deps, "broken-co");
      await seedCompany(deps, t.tenantId, today);
      expect((await deps.llm.health()).openai).toBe("degraded");
      expect(deps.llm.hasModel()).toBe(false);
      const reply = await answerCoach(deps, {
        tenantId: t.tenantId,
        userId: t.userA,
        channel: "console",
        conversationId: "x",
        text: "How is my business doing?",
      });
      expect(reply.meta?.provider).toBe("offline");
      expect(reply.text).toContain("$15,000 across 3 deals");
    } finally {
      await deps.cleanup();
    }
  });
});
