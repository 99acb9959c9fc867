import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataScope, scopeKey } from "../../../src/core/features/auth/index.js";
import { answerCoach, classifyIntent } from "../../../src/core/features/coach/index.js";
import { usageReply } from "../../../src/core/features/usage/reply.js";
import { deals, memberships, type Role, stages, users } from "../../../src/core/infra/db/schema/index.js";
import { createLlm, usageReport } from "../../../src/core/infra/llm/index.js";
import { createMetrics } from "../../../src/core/infra/metrics.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { seedCompany } from "../coach/seed.js";
import { type LlmTestDeps, ledgerRows, llmTestDeps, makeTenant } from "./helpers.js";

/**
 * The response cache in real use (issue 16 item 6): people of one tenant asking the same thing share
 * one model call; another tenant, a role that sees other data, new data or a different conversation
 * never do. Driven through the coach and the classifier against a local OpenAI-compatible server.
 */
const today = new Date();
const HONEST = "Your pipeline looks healthy; chase the stuck proposal first.";

describe("the response cache earns its keep", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;
  let t: Awaited<ReturnType<typeof makeTenant>>;
  let other: Awaited<ReturnType<typeof makeTenant>>;
  const lastAnswer = () =>
    openai
      .chats()
      .filter((r) => r.body.messages[0]?.content.includes("Figures (computed"))
      .at(-1)!.body.messages;
  const people: Record<string, { userId: string; role: Role }> = {};
  // Model calls that answer or classify (the history folds of long conversations are not counted).
  const calls = () =>
    openai.chats().filter((r) => !r.body.messages[0]?.content.includes("running summary of a conversation"))
      .length;

  async function addPerson(tenantId: string, name: string, role: Role) {
    const [u] = await deps.db.tenantTx(tenantId, (tx) =>
      tx
        .insert(users)
        .values({ tenantId, email: `${name}@cache.test`, name })
        .returning(),
    );
    await deps.db.tenantTx(tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId, userId: u!.id, role }),
    );
    return { userId: u!.id, role };
  }

  const ask = (
    who: keyof typeof people,
    text: string,
    conversationId = `C-${who}`,
    tenantId = t.tenantId,
  ) => {
    const p = people[who]!;
    return answerCoach(deps, {
      tenantId,
      userId: p.userId,
      scope: dataScope(p),
      channel: "slack",
      conversationId,
      text,
    });
  };

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    openai.setDefault({ reply: HONEST });
    deps = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "600",
      LLM_TENANT_MONTHLY_BUDGET_USD: "100",
      LLM_USER_DAILY_BUDGET_USD: "100",
    });
    t = await makeTenant(deps, "cache-co");
    other = await makeTenant(deps, "cache-other");
    await seedCompany(deps, t.tenantId, today);
    await seedCompany(deps, other.tenantId, today);
    people.owner = await addPerson(t.tenantId, "olga", "owner");
    people.owner2 = await addPerson(t.tenantId, "oscar", "owner");
    people.manager = await addPerson(t.tenantId, "mia", "manager");
    people.viewer = await addPerson(t.tenantId, "vic", "viewer");
    people.rep = await addPerson(t.tenantId, "rita", "rep");
    people.rep2 = await addPerson(t.tenantId, "ravi", "rep");
    people.foreign = await addPerson(other.tenantId, "fred", "owner");
    // Rita owns the Acme deal; Ravi owns nothing.
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.update(deals).set({ ownerUserId: people.rep!.userId }).where(eq(deals.name, "Acme renewal")),
    );
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });

  it("answers the same question from the same person twice with one model call", async () => {
    const before = calls();
    const first = await ask("owner", "How is my business doing?");
    const again = await ask("owner", "How is my business doing?");
    expect(calls()).toBe(before + 1);
    expect(first.meta).toMatchObject({ cacheHit: false, provider: "openai" });
    expect(again.meta).toMatchObject({ cacheHit: true, costMicros: 0 });
    expect(again.text).toBe(first.text);
  });

  it("answers another person of the same tenant and role from the cache", async () => {
    const before = calls();
    const r = await ask("owner2", "How is my business doing?");
    expect(calls()).toBe(before);
    expect(r.meta?.cacheHit).toBe(true);
  });

  it("treats greetings, case, spacing and punctuation as the same question", async () => {
    await ask("owner", "Which deals are stuck?");
    const before = calls();
    for (const q of [
      "which deals are stuck",
      "Hey Keel, which deals are stuck??",
      "WHICH   deals are STUCK?!",
      "which deals are stuck, please",
      "ok so which deals are stuck?",
    ])
      expect((await ask("owner2", q)).meta?.cacheHit, q).toBe(true);
    expect(calls()).toBe(before);
  });

  it("asks again when the words change the question", async () => {
    await ask("owner", "Which deals are stuck?");
    const before = calls();
    const r = await ask("owner", "Which deals are stuck in proposal?");
    expect(r.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
  });

  it("shares between an owner and a manager only when their data scope is the same", async () => {
    const same = scopeKey(dataScope(people.owner!)) === scopeKey(dataScope(people.manager!));
    await ask("owner", "What should I focus on today?");
    const r = await ask("manager", "What should I focus on today?");
    expect(r.meta?.cacheHit).toBe(same);
  });

  it("never gives a rep the owner's cached answer (their figures differ)", async () => {
    await ask("owner", "How is my business doing?");
    const before = calls();
    const r = await ask("rep", "How is my business doing?");
    expect(r.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
    const sent = JSON.stringify(lastAnswer()[0]);
    expect(sent).toContain("Your open pipeline");
    expect(sent).not.toContain("Overdue invoices");
  });

  it("never gives one rep another rep's cached answer, even about their own deals", async () => {
    await ask("rep", "How are my deals?");
    const before = calls();
    const r = await ask("rep2", "How are my deals?");
    expect(r.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
    // The same rep asking again hits.
    expect((await ask("rep", "how are my deals")).meta?.cacheHit).toBe(true);
  });

  it("never gives a viewer the owner's answer (a viewer sees no invoices or cash)", async () => {
    expect(scopeKey(dataScope(people.viewer!))).not.toBe(scopeKey(dataScope(people.owner!)));
    await ask("owner", "Give me a quick overview");
    const before = calls();
    const r = await ask("viewer", "Give me a quick overview");
    expect(r.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
    expect(JSON.stringify(lastAnswer()[0])).not.toContain("Overdue invoices");
  });

  it("never crosses tenants, even with identical data and question", async () => {
    await ask("owner", "How is my business doing?");
    const before = calls();
    const r = await ask("foreign", "How is my business doing?", "C-foreign", other.tenantId);
    expect(r.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
  });

  it("misses once the data changes (a new deal), then hits again on the new figures", async () => {
    await ask("owner", "Summarise the pipeline");
    const [lead] = await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.select().from(stages).where(eq(stages.name, "Lead")),
    );
    await deps.db.tenantTx(t.tenantId, (tx) =>
      tx.insert(deals).values({
        tenantId: t.tenantId,
        pipelineId: lead!.pipelineId,
        stageId: lead!.id,
        name: "Hooli expansion",
        company: "Hooli",
        valueMinor: 250_000,
        stageEnteredAt: today,
      }),
    );
    const before = calls();
    const changed = await ask("owner", "Summarise the pipeline");
    expect(changed.meta?.cacheHit).toBe(false);
    expect(calls()).toBe(before + 1);
    expect(JSON.stringify(lastAnswer()[0])).toContain("4 deals");
    expect((await ask("owner2", "Summarise the pipeline")).meta?.cacheHit).toBe(true);
  });

  it("keys a follow-up by the conversation it refers to: different history misses", async () => {
    await ask("owner", "How is revenue doing?", "C-f1");
    await ask("owner2", "Which deals are stuck?", "C-f2");
    const before = calls();
    const a = await ask("owner", "Why is that?", "C-f1");
    const b = await ask("owner2", "Why is that?", "C-f2");
    expect([a.meta?.cacheHit, b.meta?.cacheHit]).toEqual([false, false]);
    expect(calls()).toBe(before + 2);
    const sent = lastAnswer();
    expect(sent.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(sent[1]!.content).toBe("Which deals are stuck?");
  });

  it("keys a follow-up by the conversation it refers to: the same history hits", async () => {
    await ask("owner", "What is the open pipeline?", "C-g1");
    await ask("owner2", "What is the open pipeline?", "C-g2");
    const before = calls();
    await ask("owner", "And how does it compare with last month?", "C-g1");
    const b = await ask("owner2", "and how does it compare with last month", "C-g2");
    expect(b.meta?.cacheHit).toBe(true);
    expect(calls()).toBe(before + 1);
  });

  it("keeps a self-contained question cacheable in the middle of a conversation", async () => {
    await ask("owner2", "How is my business doing?", "C-h0");
    await ask("owner", "Tell me about our overdue invoices", "C-h1");
    await ask("owner", "Who should I call first about them?", "C-h1");
    const before = calls();
    const r = await ask("owner", "How is my business doing?", "C-h1");
    expect(r.meta?.cacheHit).toBe(true);
    expect(calls()).toBe(before);
  });

  it("classifies a message once for everyone in the tenant", async () => {
    openai.enqueue({ reply: '{"intent":"forecast","args":{"metric":"revenue"},"confidence":0.8}' });
    const a = await classifyIntent(
      deps,
      { tenantId: t.tenantId, userId: people.owner!.userId },
      "What will we make next quarter?",
    );
    const before = calls();
    const b = await classifyIntent(
      deps,
      { tenantId: t.tenantId, userId: people.rep!.userId },
      "what will we make next quarter",
    );
    expect(calls()).toBe(before);
    expect(b).toMatchObject({ kind: a.kind, via: "model" });
    expect(b.meta?.cacheHit).toBe(true);
  });

  it("does not re-ask a classification that failed validation (twice garbage → rules, cached)", async () => {
    openai.enqueue({ reply: "I think it's about money?" }, { reply: "still not json" });
    const text = "Numbers for the next quarter please, what would we make?";
    const first = await classifyIntent(deps, { tenantId: t.tenantId, userId: people.owner!.userId }, text);
    expect(first.via).toBe("rules");
    const before = calls();
    const again = await classifyIntent(deps, { tenantId: t.tenantId, userId: people.manager!.userId }, text);
    expect(again.via).toBe("rules");
    expect(calls()).toBe(before);
    const rows = await ledgerRows(deps, t.tenantId);
    const hit = rows.filter((r) => r.feature === "intent.classify" && r.cacheHit).at(-1);
    expect(hit).toMatchObject({ errorCode: "invalid_output", costMicros: 0 });
    expect(hit!.savedMicros).toBeGreaterThan(0);
  });

  it("books every hit free and records what it saved: the original call's cost", async () => {
    await ask("owner", "What are my biggest risks right now?");
    await ask("owner2", "what are my biggest risks right now");
    const rows = (await ledgerRows(deps, t.tenantId)).filter((r) => r.feature === "coach");
    const paid = rows.filter((r) => !r.cacheHit && r.outcome === "ok" && r.provider === "openai").at(-1)!;
    const hit = rows.filter((r) => r.cacheHit).at(-1)!;
    expect(hit).toMatchObject({ costMicros: 0, tokensIn: 0, tokensOut: 0, provider: "openai" });
    expect(paid.costMicros).toBeGreaterThan(0);
    expect(hit.savedMicros).toBe(paid.costMicros);
  });

  it("reports hit rate and money saved in `usage` (chat reply and ledger report)", async () => {
    const r = await usageReport(deps.db, t.tenantId, today.toISOString().slice(0, 7));
    const rows = await ledgerRows(deps, t.tenantId);
    const hits = rows.filter((x) => x.cacheHit);
    const modelAnswers = rows.filter((x) => !x.cacheHit && x.outcome === "ok" && x.provider !== "offline");
    expect(r.totals.cacheHits).toBe(hits.length);
    expect(r.totals.savedMicros).toBe(hits.reduce((n, x) => n + x.savedMicros, 0));
    expect(r.totals.cacheHitRate).toBeCloseTo(hits.length / (hits.length + modelAnswers.length), 6);
    const reply = await usageReply(deps, {
      tenantId: t.tenantId,
      userId: people.owner!.userId,
      role: "owner",
      name: "Olga",
      email: "olga@cache.test",
    });
    const cache = reply.fields?.find((f) => f.label === "Cache")?.value ?? "";
    expect(cache).toMatch(/^\d+% of answers \(\d+ hits\), saved \$\d+\.\d{2,4}$/);
    expect(cache).toContain(`(${hits.length} hits)`);
  });

  it("shares entries across replicas through the store (a second gateway on the same store hits)", async () => {
    const replica = await createLlm({
      config: deps.config,
      logger: deps.logger,
      db: deps.db,
      store: deps.store,
      clock: deps.clock,
      metrics: createMetrics(),
    });
    const req = {
      ctx: { tenantId: t.tenantId, userId: people.owner!.userId, feature: "intent.classify" },
      promptId: "intent.classify",
      variables: { message: "what will we make next quarter" },
      routingText: "what will we make next quarter",
    };
    const before = calls();
    const r = await replica.chat(req);
    expect(r.meta.cacheHit).toBe(true);
    expect(calls()).toBe(before);
    await replica.flush();
  });

  it("serves no cache with the TTL at 0", async () => {
    const off = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "0",
    });
    try {
      const x = await makeTenant(off, "cache-off");
      const req = {
        ctx: { tenantId: x.tenantId, userId: x.userA, feature: "coach" },
        promptId: "intent.classify",
        variables: { message: "hello there" },
        routingText: "hello there",
      };
      const before = calls();
      await off.gateway.chat(req);
      const again = await off.gateway.chat(req);
      expect(again.meta.cacheHit).toBe(false);
      expect(calls()).toBe(before + 2);
    } finally {
      await off.cleanup();
    }
  });
});
