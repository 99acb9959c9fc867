import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSimilarDeals } from "../../../src/core/features/similar/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import type { LlmGateway } from "../../../src/core/infra/llm/gateway.js";
import { detectSensitive } from "../../../src/core/infra/llm/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { plantDeal } from "../../support/deal-factory.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { type FakeOllama, startFakeOllama } from "../../support/fake-ollama-server.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";

const clock = fixedClock("2025-12-03T10:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: reply metadata is a plain JSON bag in tests
const meta = (r: Reply) => r.meta as Record<string, any>;
const embeddedTexts = (f: FakeOpenAi) =>
  f.embeddings().flatMap((r) => (r.body as unknown as { input: string[] }).input);

describe("similar deals with provider embeddings (local OpenAI-compatible /v1/embeddings)", () => {
  let d: TestDeps;
  let openai: FakeOpenAi;
  let dispatcher: Dispatcher;
  let demo: string;
  const say = async (line: string, email = "owner@demo.example"): Promise<Reply> => {
    const actor = await actorByEmail(d.db, demo, email);
    return dispatcher.dispatch({
      ...parseText(line),
      origin: { tenantId: demo, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  const rows = async <T>(q: ReturnType<typeof sql>) =>
    d.db.tenantTx(demo, async (tx) => resultRows<T>(await tx.execute(q)));

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    d = await createTestDeps(
      {
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: "sk-test",
        LLM_EMBEDDINGS_MODEL: "text-embedding-3-small",
        LLM_CACHE_TTL_SECONDS: "0",
      },
      { clock },
    );
    await loadDemo(d);
    demo = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(async () => {
    await d.cleanup();
    await openai.close();
  });

  it("embeds the deal and its comparison pool once, stored where the server keeps vectors", async () => {
    const r = await say("deal Acme Logistics");
    expect(meta(r).similar.embeddings).toBe(true);
    expect(openai.embeddings().length).toBeGreaterThan(0);
    expect(openai.embeddings()[0]!.body.model).toBe("text-embedding-3-small");
    const stored = await rows<{ n: number; vec: number; arr: number }>(
      sql`select count(*)::int as n, count(embedding)::int as arr,
                 ${d.db.kind === "pglite" ? sql`count(embedding_vec)::int` : sql`0`} as vec from deal_embeddings`,
    );
    const closed = await rows<{ n: number }>(
      sql`select count(*)::int as n from deals where status <> 'open'`,
    );
    expect(stored[0]!.n).toBe(closed[0]!.n + 1);
    // PGlite bundles pgvector: vectors go in the vector column. This Postgres has no pgvector: real[].
    const hasVector = await rows<{ v: boolean }>(
      sql`select exists (select 1 from pg_extension where extname = 'vector') as v`,
    );
    if (hasVector[0]!.v) expect([stored[0]!.vec, stored[0]!.arr]).toEqual([stored[0]!.n, 0]);
    else expect(stored[0]!.arr).toBe(stored[0]!.n);
    if (d.db.kind === "pglite") expect(hasVector[0]!.v).toBe(true);
    const source = r.sources?.find((s) => s.label === "Similar deals")?.detail ?? "";
    expect(source).toContain(
      hasVector[0]!.v ? "embedding cosine (pgvector)" : "embedding cosine (real[] in SQL)",
    );
  });

  it("asking again sends nothing new; a changed note re-embeds only that deal", async () => {
    const before = embeddedTexts(openai).length;
    await say("deal Acme Logistics");
    expect(embeddedTexts(openai).length).toBe(before);
    await d.db.tenantTx(demo, (tx) =>
      tx.execute(sql`insert into deal_notes (tenant_id, deal_id, body)
                     select tenant_id, id, 'Called again: PO signed by procurement.' from deals where name = 'Acme Logistics'`),
    );
    await say("deal Acme Logistics");
    const sent = embeddedTexts(openai).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain("PO signed by procurement");
  });

  it("embedding cosine finds a deal with other words for the same thing", async () => {
    openai.synonyms = { lift: "forklift", trucks: "forklift" };
    const target = await plantDeal(d, demo, {
      name: "Harbor Freight Co — forklift fleet",
      company: "Harbor Freight Co",
      value: 3_000_000,
      status: "open",
      path: [["Negotiation", 5]],
      notes: ["Forklift fleet replacement for the new depot."],
    });
    const synonym = await plantDeal(d, demo, {
      name: "Dockside Ltd — lift trucks",
      company: "Dockside Ltd",
      value: 3_000_000,
      status: "won",
      path: [
        ["Negotiation", 90],
        ["Won", 40],
      ],
      notes: ["Lift trucks replacement for the depot."],
    });
    const s = await findSimilarDeals(d, demo, [target], { k: 100 });
    const r = s.results.get(target)!;
    if (!r.ok) throw new Error("expected neighbours");
    const n = r.neighbours.find((x) => x.id === synonym)!;
    expect(s.text.embeddings).toBe(true);
    // The text part averages trigram, full text and cosine; the cosine is what lifts it here.
    const withoutEmbeddings = await findSimilarDeals(
      { ...d, config: { ...d.config, llm: { ...d.config.llm, LLM_EMBEDDINGS_MODEL: undefined } } },
      demo,
      [target],
      { k: 100 },
    );
    const w = withoutEmbeddings.results.get(target)!;
    if (!w.ok) throw new Error("expected neighbours");
    expect(n.parts.text).toBeGreaterThan(w.neighbours.find((x) => x.id === synonym)!.parts.text);
    openai.synonyms = {};
  });

  it("never sends sensitive text (bank details) to a cloud embeddings provider", async () => {
    const note = "Refund to IBAN DE89 3704 0044 0532 0130 00 agreed with their finance team.";
    expect(detectSensitive(note).sensitive).toBe(true);
    const id = await plantDeal(d, demo, {
      name: "Quayside Marine — refund",
      company: "Quayside Marine",
      value: 500_000,
      status: "open",
      path: [["Qualified", 3]],
      notes: [note],
    });
    const s = await findSimilarDeals(d, demo, [id]);
    expect(s.results.get(id)?.ok).toBe(true);
    expect(embeddedTexts(openai).some((t) => t.includes("DE89"))).toBe(false);
  });

  it("a failing embeddings server leaves the answer on text search, logged, not broken", async () => {
    openai.embeddingsStatus = 500;
    try {
      const id = await plantDeal(d, demo, {
        name: "Lighthouse Café — espresso machines",
        company: "Lighthouse Café",
        value: 700_000,
        status: "open",
        path: [["Proposal Sent", 2]],
        notes: ["Wants two espresso machines before the summer season."],
      });
      const r = await say("deal Lighthouse Café");
      expect(meta(r).dealId).toBe(id);
      expect(meta(r).similar.ids).toHaveLength(7);
      const s = await findSimilarDeals(d, demo, [id]);
      expect(s.text.embeddingError).toBeDefined();
    } finally {
      openai.embeddingsStatus = 200;
    }
  });

  it("books every embeddings call in the cost ledger under similar.embeddings", async () => {
    await (d.llm as LlmGateway).flush();
    const calls = await rows<{ n: number; ok: number; failed: number }>(
      sql`select count(*)::int as n, count(*) filter (where outcome = 'ok')::int as ok,
                 count(*) filter (where outcome = 'error')::int as failed
            from llm_calls where feature = 'similar.embeddings' and prompt_id = 'embeddings'`,
    );
    expect(calls[0]!.n).toBe(openai.embeddings().length);
    expect(calls[0]!.failed).toBeGreaterThan(0);
    expect(calls[0]!.ok).toBeGreaterThan(0);
  });
});

describe("similar deals with Ollama embeddings (local /api/embed)", () => {
  let d: TestDeps;
  let ollama: FakeOllama;
  beforeAll(async () => {
    ollama = await startFakeOllama();
    d = await createTestDeps(
      { OLLAMA_HOST: ollama.url, LLM_EMBEDDINGS_MODEL: "nomic-embed-text", LLM_CACHE_TTL_SECONDS: "0" },
      { clock },
    );
    await loadDemo(d);
  });
  afterAll(async () => {
    await d.cleanup();
    await ollama.close();
  });

  it("embeds through Ollama, sensitive text included (it stays local), and scores by cosine", async () => {
    const demo = (await requireTenant(d.db, "demo")).id;
    const id = await plantDeal(d, demo, {
      name: "Quayside Marine — refund",
      company: "Quayside Marine",
      value: 500_000,
      status: "open",
      path: [["Qualified", 3]],
      notes: ["Refund to IBAN DE89 3704 0044 0532 0130 00 agreed with their finance team."],
    });
    const s = await findSimilarDeals(d, demo, [id]);
    expect(s.text.embeddings).toBe(true);
    const sent = ollama.requests
      .filter((r) => r.path === "/api/embed")
      .flatMap((r) => (r.body as unknown as { input: string[] }).input);
    expect(sent.some((t) => t.includes("DE89"))).toBe(true);
    expect(
      ollama.requests
        .filter((r) => r.path === "/api/embed")
        .every((r) => r.body.model === "nomic-embed-text"),
    ).toBe(true);
  });
});
