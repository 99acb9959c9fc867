/**
 * Router + gateway benchmark: ≥ 1,000 SMB questions through the real gateway (prompt registry,
 * routing, budgets, cache, ledger on the database, resilience) against local servers speaking the
 * OpenAI and Ollama wire protocols. Costs use real list prices (gpt-4o-mini, gpt-4o; local $0).
 *
 *   npx tsx bench/llm/router.ts            # PGlite + in-process store
 *   . scratch/env.sh && npx tsx bench/llm/router.ts   # real Postgres + Redis
 *
 * Writes bench/results/llm-router.json and .md. Results are reported, not asserted.
 */
import { writeFileSync } from "node:fs";
import { tenants, users } from "../../src/core/infra/db/schema/index.js";
import { costMicros, DEFAULT_PRICES, type LlmGateway, priceFor } from "../../src/core/infra/llm/index.js";
import { createTestDeps } from "../../test/support/deps.js";
import { startFakeOllama } from "../../test/support/fake-ollama-server.js";
import { fakeTokens, startFakeOpenAi } from "../../test/support/fake-openai-server.js";
import { generateQuestions } from "./questions.js";

const N = Number(process.env.BENCH_N ?? 1200);
/** The figures change every business day (new deals, payments), which bounds what the cache can reuse. */
const DAYS = 10;
const figuresFor = (tenant: number, day: number) =>
  [
    `- Open pipeline: $${(184_500 + tenant * 20_000 + day * 3_250).toLocaleString("en-US")} across ${23 + (day % 4)} deals (Lead 9 · $41,000; Qualified 6 · $52,500; Proposal 5 · $61,000; Negotiation 3 · $30,000)`,
    `- Stuck deals: ${4 + (day % 3)} (longer in their stage than its limit)`,
    `- Overdue invoices: $${(18_240 - day * 410).toLocaleString("en-US")} outstanding on 6 invoices`,
    "- Revenue, last 30 days: $71,300 vs $76,900 in the 30 days before (-7.3%)",
    `- Cash collected, last 30 days: $${(64_150 + day * 1_120).toLocaleString("en-US")}`,
  ].join("\n");

/** A plausible answer length (≈ 90–260 tokens), deterministic per question. */
function answerFor(q: string): string {
  const n = 60 + ((q.length * 7) % 140);
  return `Here is what your figures say. ${"Focus on the proposals closest to signature and chase the largest overdue invoice first. ".repeat(Math.ceil(n / 16))}`.slice(
    0,
    n * 4,
  );
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main() {
  const openai = await startFakeOpenAi();
  const ollama = await startFakeOllama();
  openai.setDefault({ fn: (b) => answerFor(b.messages.at(-1)?.content ?? "") });
  ollama.setDefault({ fn: (b) => answerFor(b.messages.at(-1)?.content ?? "") });
  const deps = await createTestDeps({
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: "sk-bench",
    OLLAMA_HOST: ollama.url,
    LLM_TENANT_MONTHLY_BUDGET_USD: "1000",
    LLM_USER_DAILY_BUDGET_USD: "100",
    LLM_TENANT_RATE_PER_MIN: "100000",
    LLM_CACHE_TTL_SECONDS: "3600",
  });
  const gateway = deps.llm as LlmGateway;
  try {
    const ids: { tenant: string; users: string[] }[] = [];
    for (let t = 0; t < 4; t++) {
      const [row] = await deps.db.orm
        .insert(tenants)
        .values({ slug: `bench-${t}`, name: `Bench ${t}` })
        .returning();
      const us = await deps.db.tenantTx(row!.id, (tx) =>
        tx
          .insert(users)
          .values([0, 1, 2, 3].map((u) => ({ tenantId: row!.id, email: `u${u}@b${t}.test`, name: `U${u}` })))
          .returning(),
      );
      ids.push({ tenant: row!.id, users: us.map((u) => u.id) });
    }
    const req = (
      tenantId: string,
      userId: string,
      question: string,
      figures = figuresFor(0, 0),
      day = 0,
    ) => ({
      ctx: { tenantId, userId, feature: "coach" },
      promptId: "coach.answer",
      variables: {
        tenant_name: "Bench Co",
        today: `2026-11-${String(10 + day).padStart(2, "0")}`,
        figures,
        summary: "(none)",
        question,
      },
      routingText: question,
    });
    // Warm-up on a separate tenant: tokenizer tables, JIT, connection pools.
    const warm = ids[3]!;
    for (let i = 0; i < 30; i++)
      await gateway.chat(req(warm.tenant, warm.users[0]!, `warm-up question ${i} about the pipeline?`));

    const questions = generateQuestions(N);
    const pInLarge = priceFor(DEFAULT_PRICES, "gpt-4o", false);
    const pInSmall = priceFor(DEFAULT_PRICES, "gpt-4o-mini", false);
    const byRoute: Record<string, number> = {};
    const byKind: Record<string, Record<string, number>> = {};
    const overhead: number[] = [];
    const overheadMiss: number[] = [];
    let cost = 0;
    let allLarge = 0;
    let allSmall = 0;
    let hits = 0;
    let sensitiveToCloud = 0;
    const t0 = performance.now();
    for (const [i, q] of questions.entries()) {
      const who = ids[q.tenant]!;
      const day = Math.floor((i * DAYS) / questions.length);
      const r = req(who.tenant, who.users[q.user]!, q.text, figuresFor(q.tenant, day), day);
      const res = await gateway.chat(r);
      const m = res.meta;
      cost += m.costMicros;
      const key = m.cacheHit ? "cache" : m.route;
      byRoute[key] = (byRoute[key] ?? 0) + 1;
      byKind[q.kind] ??= {};
      byKind[q.kind]![key] = (byKind[q.kind]![key] ?? 0) + 1;
      if (m.cacheHit) hits++;
      if (q.kind === "sensitive" && m.provider === "openai") sensitiveToCloud++;
      const own = m.latencyMs - (m.providerMs ?? 0);
      overhead.push(own);
      if (!m.cacheHit) overheadMiss.push(own);
      // What every question would have cost on one cloud model, no routing, no cache (same token
      // accounting as the fake server: ~4 chars/token, 3 framing tokens per message).
      const sys = gateway.prompts.render("coach.answer", r.variables);
      const tin = [sys.system, sys.user].reduce((n, s) => n + fakeTokens(s) + 3, 3);
      const tout = fakeTokens(answerFor(q.text));
      allLarge += costMicros(pInLarge, tin, tout);
      allSmall += costMicros(pInSmall, tin, tout);
    }
    const wall = performance.now() - t0;
    const total = questions.length;
    const share = Object.fromEntries(
      Object.entries(byRoute).map(([k, v]) => [k, Number((v / total).toFixed(4))]),
    );
    const result = {
      generatedAt: new Date().toISOString(),
      backend: { db: deps.db.kind, store: deps.store.kind },
      questions: total,
      mix: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, v])),
      routeShare: share,
      cacheHitRate: Number((hits / total).toFixed(4)),
      sensitiveSentToCloud: sensitiveToCloud,
      prices: {
        large: { model: "gpt-4o", ...pInLarge },
        small: { model: "gpt-4o-mini", ...pInSmall },
        local: { model: "llama3.1:8b", in: 0, out: 0 },
      },
      costUsd: { routed: cost / 1e6, allCloudLarge: allLarge / 1e6, allCloudSmall: allSmall / 1e6 },
      costVsAllCloudLarge: Number((cost / allLarge).toFixed(4)),
      costVsAllCloudSmall: Number((cost / allSmall).toFixed(4)),
      overheadMs: {
        p50: Number(pct(overhead, 50).toFixed(3)),
        p95: Number(pct(overhead, 95).toFixed(3)),
        p99: Number(pct(overhead, 99).toFixed(3)),
        missP50: Number(pct(overheadMiss, 50).toFixed(3)),
        missP95: Number(pct(overheadMiss, 95).toFixed(3)),
      },
      providerCalls: { openai: openai.chats().length, ollama: ollama.chats().length },
      wallSeconds: Number((wall / 1000).toFixed(2)),
      goals: { costVsAllCloud: "≤ 0.25", overheadP50Ms: "< 5" },
    };
    writeFileSync("bench/results/llm-router.json", `${JSON.stringify(result, null, 2)}\n`);
    const md = `# LLM router benchmark

${total} SMB questions over ${DAYS} business days (simple, moderate, complex, sensitive; ~25 % re-asks of popular
questions; the tenant's figures change daily, so answers are reusable within a day only) through the
real gateway (registry, router, budgets, cache, ledger on ${deps.db.kind}, store ${deps.store.kind}) against local
OpenAI-compatible and Ollama wire-protocol servers. Prices: gpt-4o $2.50/$10, gpt-4o-mini $0.15/$0.60 per 1M
tokens in/out; the local model $0.

| | value | goal |
|---|---|---|
| cost, routed | $${(cost / 1e6).toFixed(4)} | |
| cost, all on gpt-4o (no routing, no cache) | $${(allLarge / 1e6).toFixed(4)} | |
| **routed / all-cloud (gpt-4o)** | **${((cost / allLarge) * 100).toFixed(1)} %** | ≤ 25 % |
| routed / all-cloud (gpt-4o-mini) | ${((cost / allSmall) * 100).toFixed(1)} % | |
| cache hit rate | ${((hits / total) * 100).toFixed(1)} % | |
| sensitive questions sent to the cloud | ${sensitiveToCloud} | 0 |
| gateway overhead p50 (excl. provider) | ${result.overheadMs.p50} ms | < 5 ms |
| gateway overhead p95 | ${result.overheadMs.p95} ms | |
| overhead p50 / p95, cache misses only | ${result.overheadMs.missP50} / ${result.overheadMs.missP95} ms | |

Share of requests by where they were answered: ${Object.entries(share)
      .map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`)
      .join(", ")}.

By question kind: ${Object.entries(byKind)
      .map(
        ([k, v]) =>
          `${k} → ${Object.entries(v)
            .map(([r, n]) => `${r} ${n}`)
            .join(" / ")}`,
      )
      .join("; ")}.

Overhead = the gateway's wall time per call minus the time spent waiting on the provider: rendering,
routing, token counting, rate limit, budget reservation and settlement in the store, cache lookup/write.
Ledger rows are queued and inserted in batches off the request path (a commit costs ~6 ms), so they are
not in this figure; the whole run took ${result.wallSeconds} s (${(wall / total).toFixed(2)} ms per question including
the local fake providers and the background ledger writes). Command: \`npx tsx bench/llm/router.ts\` (prefix \`. scratch/env.sh &&\` for real Postgres/Redis).
`;
    writeFileSync("bench/results/llm-router.md", md);
    process.stdout.write(`${md}\n`);
  } finally {
    await deps.cleanup();
    await openai.close();
    await ollama.close();
  }
}

await main();
