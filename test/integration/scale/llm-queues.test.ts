import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerCoach } from "../../../src/core/features/coach/index.js";
import { LlmError } from "../../../src/core/infra/llm/errors.js";
import { createHttpApp } from "../../../src/http/app.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { seedCompany } from "../coach/seed.js";
import { type LlmTestDeps, llmTestDeps, makeTenant } from "../llm/helpers.js";

/**
 * Model requests are bounded per tenant (LLM_TENANT_CONCURRENCY running, LLM_TENANT_QUEUE waiting)
 * against a slow model (a local OpenAI-compatible server answering after 600 ms). A tenant past its
 * bound is answered at once with "busy, ask again in a minute" and its figures — never a dropped
 * question, never a wait behind its own flood — while another tenant's question goes to the model.
 * The last minute's model latency feeds /readyz.
 */
let openai: FakeOpenAi;
let deps: LlmTestDeps;
let a: Awaited<ReturnType<typeof makeTenant>>;
let b: Awaited<ReturnType<typeof makeTenant>>;
const MODEL_REPLY = "Your pipeline looks steady this month.";
const today = new Date();

beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.setDefault({ reply: MODEL_REPLY, delayMs: 600 });
  deps = await llmTestDeps({
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: "sk-test",
    LLM_CACHE_TTL_SECONDS: "0",
    LLM_HEDGE_AFTER_MS: "0",
    LLM_TENANT_CONCURRENCY: "1",
    LLM_TENANT_QUEUE: "1",
    KEEL_READY_MAX_LLM_MS: "300",
  });
  a = await makeTenant(deps, "busy-co");
  b = await makeTenant(deps, "calm-co");
  await seedCompany(deps, a.tenantId, today);
  await seedCompany(deps, b.tenantId, today);
});
afterAll(async () => {
  await deps?.cleanup();
  await openai?.close();
});

const ask = (t: typeof a, text: string) =>
  answerCoach(deps, { tenantId: t.tenantId, userId: t.userA, channel: "slack", conversationId: "C1", text });

describe("model requests per tenant, bounded", () => {
  it("four questions of one tenant at once with a slow model: two go to the model, two hear 'busy' with the figures; another tenant is not held up", async () => {
    const before = openai.chats().length;
    const questions = [
      "How is my business doing?",
      "how r we doin this month??",
      "¿Cómo va el negocio?",
      "What should I focus on this week?",
    ];
    const [replies, other] = await Promise.all([
      Promise.all(questions.map((q) => ask(a, q))),
      ask(b, "How is my business doing?"),
    ]);
    const busy = replies.filter((r) => r.text.includes("ask again in a minute"));
    const answered = replies.filter((r) => r.text.includes(MODEL_REPLY));
    expect(busy).toHaveLength(2);
    expect(answered).toHaveLength(2);
    for (const r of busy) {
      expect(r.text).toContain("Here are your current figures");
      expect(r.meta).toMatchObject({ outcome: "degraded" });
    }
    expect(other.text).toContain(MODEL_REPLY);
    // The shed questions never reached the model.
    expect(openai.chats().length - before).toBe(3);
    const metrics = await deps.metrics.registry.metrics();
    expect(metrics).toMatch(/keel_queue_shed_total\{queue="llm"\} 2/);
    expect(metrics).toMatch(/keel_queue_in_flight\{queue="llm"\} 0/);
  });

  it("one after another, the same tenant is never refused (the bound is on concurrency, not volume)", async () => {
    for (const q of ["deals?", "cash next month?", "wie läuft das Geschäft?"])
      expect((await ask(a, q)).text).toContain(MODEL_REPLY);
  });

  it("the overloaded error says what to do, in words for the person, and is retryable", () => {
    const e = new LlmError("overloaded", "tenant has 1 running and 1 waiting");
    expect(e.userMessage).toMatch(/ask again in a minute/);
    expect(e.userMessage).not.toMatch(/tenant|queue|overloaded/i);
  });

  it("/readyz turns degraded (llm_latency) when the last minute's model calls are slower than KEEL_READY_MAX_LLM_MS", async () => {
    const res = await createHttpApp(deps).request("/readyz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; reasons: string[]; load: { llmP90Ms: number } };
    expect(body.status).toBe("degraded");
    expect(body.reasons).toContain("llm_latency");
    expect(body.load.llmP90Ms).toBeGreaterThan(300);
  });
});
