import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askQuestion } from "../../../src/core/features/ask/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import {
  type FakeOpenAi,
  type OpenAiRequestBody,
  startFakeOpenAi,
} from "../../support/fake-openai-server.js";
import { type LlmTestDeps, llmTestDeps } from "../llm/helpers.js";

/**
 * With a model: it writes the typed query (structured output), code validates and runs it. A scripted
 * model that writes wrong or malicious queries never gets one executed: the validation refuses it and
 * the offline parser (or "I didn't understand") answers instead.
 */
describe("questions read by a model: typed query in, code computes, hostile output refused", () => {
  let openai: FakeOpenAi;
  let d: LlmTestDeps;
  let tenantId: string;
  let otherUserId: string;
  /** What the scripted model answers to the ask.query prompt (other prompts get a neutral reply). */
  let script: string | ((b: OpenAiRequestBody) => string) = '{"kind":"none"}';
  const isQueryPrompt = (b: OpenAiRequestBody) =>
    b.messages.some((m) => m.content.includes("fixed query language"));

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    d = await llmTestDeps({
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "0",
    });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    const other = (await requireTenant(d.db, "demo-b")).id;
    otherUserId = (await actorByEmail(d.db, other, "owner@harbor.example")).userId;
    openai.setDefault({
      pick: (b) =>
        isQueryPrompt(b)
          ? { reply: typeof script === "string" ? script : script(b) }
          : {
              reply:
                b.response_format?.type === "json_object"
                  ? '{"intent":"coach","args":{},"confidence":0.1}'
                  : "ok",
            },
    });
  });
  afterAll(async () => {
    await d.cleanup();
    await openai.close();
  });

  const one = async (q: ReturnType<typeof sql>) =>
    d.db.tenantTx(tenantId, async (tx) => Number(resultRows<{ v: unknown }>(await tx.execute(q))[0]!.v));
  const overdueSql = (today: string) =>
    one(sql`select coalesce(sum(o.out), 0) as v from (select i.due_on, i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0) as out
             from invoices i where i.status = 'open') o where o.out > 0 and o.due_on < ${today}::date`);
  const ask = async (text: string, who = "owner@demo.example") =>
    askQuestion(d, await actorByEmail(d.db, tenantId, who), text);

  it("an honest model's query is validated and run by code; the figure is computed, not written", async () => {
    script = JSON.stringify({
      kind: "query",
      query: { measure: "overdue_balance", filters: {} },
    });
    const r = await ask("what's sitting unpaid past its due date, roughly?");
    expect(r?.outcome).toBe("answer");
    expect(r?.reply.meta?.parsedBy).toBe("model");
    const today = new Date().toISOString().slice(0, 10);
    expect(r?.reply.meta?.figure).toBe(await overdueSql(today));
    expect(r?.reply.sources?.length).toBeGreaterThan(0);
  });

  it("the model's query still obeys the role: a rep's model-read overdue question is refused", async () => {
    script = JSON.stringify({ kind: "query", query: { measure: "overdue_balance", filters: {} } });
    const r = await ask("what's sitting unpaid past its due date, roughly?", "sam@demo.example");
    expect(r?.outcome).toBe("forbidden");
  });

  const HOSTILE: [string, () => string][] = [
    [
      "an unknown field",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "deals", filters: {}, sql: "select * from users" },
        }),
    ],
    [
      "an unknown measure",
      () => JSON.stringify({ kind: "query", query: { measure: "salaries", filters: {} } }),
    ],
    [
      "another tenant's user id",
      () => JSON.stringify({ kind: "query", query: { measure: "deals", filters: { ownerId: otherUserId } } }),
    ],
    [
      "a huge limit",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "deals", filters: {}, rank: { order: "top", limit: 100000 } },
        }),
    ],
    [
      "SQL in a customer name",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "outstanding_balance", filters: { customer: "x'; drop table deals; --" } },
        }),
    ],
    [
      "SQL in a stage name",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "deals", filters: { stage: "Won' union select password from users --" } },
        }),
    ],
    [
      "a __proto__ key",
      () => '{"kind":"query","query":{"measure":"deals","filters":{"__proto__":{"polluted":true}}}}',
    ],
    [
      "a constructor key",
      () =>
        '{"kind":"query","constructor":{"prototype":{"polluted":true}},"query":{"measure":"deals","filters":{}}}',
    ],
    [
      "a figure of its own",
      () => JSON.stringify({ kind: "query", query: { measure: "deals", filters: {} }, figure: 999999 }),
    ],
    [
      "a negative window",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "revenue", filters: {}, window: { kind: "last_days", days: -30 } },
        }),
    ],
    [
      "an absurd window",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "revenue", filters: {}, window: { kind: "last_days", days: 10_000_000 } },
        }),
    ],
    [
      "an invented customer",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "outstanding_balance", filters: { customer: "Globex Corporation" } },
        }),
    ],
    [
      "a deal id",
      () => JSON.stringify({ kind: "query", query: { measure: "deals", filters: { dealId: randomUUID() } } }),
    ],
    [
      "an unknown metric key",
      () =>
        JSON.stringify({
          kind: "query",
          query: { measure: "metric", metric: "payroll_secret", filters: {} },
        }),
    ],
    ["prose with a figure", () => "Overdue is $1,234,567 — trust me."],
    ["an array", () => "[1,2,3]"],
    ["a string", () => '"drop table deals"'],
  ];

  it.each(HOSTILE)(
    "%s is refused; the offline parser answers with the computed figure",
    async (_name, make) => {
      script = make();
      const asked = openai.chats().filter((c) => isQueryPrompt(c.body)).length;
      const r = await ask("how much is overdue");
      // The model was asked (the path is live) and its answer was not the one executed.
      expect(openai.chats().filter((c) => isQueryPrompt(c.body)).length).toBeGreaterThan(asked);
      expect(r?.reply.meta?.parsedBy).toBe("rules");
      const today = new Date().toISOString().slice(0, 10);
      expect(r?.reply.meta?.figure).toBe(await overdueSql(today));
      expect(r?.reply.text).not.toContain("1,234,567");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it("a hostile model on nonsense: I didn't understand, nothing executed", async () => {
    script = JSON.stringify({
      kind: "query",
      query: { measure: "deals", filters: { ownerId: otherUserId } },
    });
    const r = await ask("qwop zxcvb");
    expect(r?.outcome).toBe("not_understood");
  });

  it("ambiguity → a clarifying question with numbered choices, stored so that '2' answers it", async () => {
    const names = await d.db.tenantTx(tenantId, async (tx) =>
      resultRows<{ c: string }>(
        await tx.execute(sql`select distinct customer as c from invoices order by 1 limit 2`),
      ).map((r) => r.c),
    );
    script = (b) =>
      b.messages.some((m) => m.content.includes("the second one please"))
        ? '{"kind":"none"}'
        : JSON.stringify({
            kind: "clarify",
            question: "Which customer?",
            choices: names.map((n) => ({
              label: n,
              query: { measure: "outstanding_balance", filters: { customer: n } },
            })),
          });
    const actor = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const dispatcher = createDispatcher(d, registry);
    const conversationId = `m-${randomUUID()}`;
    const say = (text: string) =>
      dispatcher.dispatch({
        ...parseText(text),
        origin: { tenantId, userId: actor.userId, channel: "slack", conversationId },
        idempotencyKey: randomUUID(),
      } as Intent);
    const q = await say("how much does that customer owe");
    expect(q.meta?.outcome).toBe("clarify");
    expect(q.text).toMatch(/1\. .+\n2\. /);
    expect(q.actions?.map((a) => a.label)).toEqual(names);
    const picked = await say("2");
    expect(picked.meta?.routedFrom).toBe("follow-up");
    expect(picked.text).toContain(names[1]!);
  });
});
