import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { type FakeOpenAi, type OpenAiStep, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { LIES, obedient } from "../../support/hostile-model.js";
import {
  headline,
  honestText,
  isPhrasePrompt,
  liarText,
  phraser,
  promptResult,
  roundedText,
} from "../../support/phrasing-model.js";

/**
 * With a model configured, the computed result of a typed query is phrased by the model — in the
 * asker's language — and shown only when every figure in it is one of this turn's facts. A liar, a
 * link, a wrong language, a silent or failing model all end in the template wording; a rep's
 * question never shows the model a fact the rep may not see. Driven through the real dispatcher,
 * the real gateway and the `openai` client against a local server speaking its wire protocol.
 */
describe("the model phrases the computed result; the checker decides whether anyone sees it", () => {
  let openai: FakeOpenAi;
  let d: TestDeps;
  let tenantId: string;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    d = await createTestDeps(
      {
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: "sk-test",
        LLM_CACHE_TTL_SECONDS: "0",
        LLM_RETRY_BASE_MS: "5",
        LLM_PHRASE_DEADLINE_MS: "1500",
        LLM_STARTUP_PROBE: "false",
        // Two model calls per question (query, phrasing): the default 60/min would route to offline.
        LLM_TENANT_RATE_PER_MIN: "100000",
      },
      { logger: createLogger({ level: "info", destination: sink }) },
    );
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
  });
  afterAll(async () => {
    await d.cleanup();
    await openai.close();
  });
  beforeEach(() => {
    openai.setDefault(phraser((r) => honestText(r)));
  });

  const conversation = () => `phr-${randomUUID()}`;
  const say = async (text: string, who = "owner@demo.example", conversationId = conversation()) => {
    const actor = await actorByEmail(d.db, tenantId, who);
    return createDispatcher(d, registry).dispatch({
      ...parseText(text),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  const phraseCalls = () => openai.chats().filter((c) => isPhrasePrompt(c.body));
  const one = async (q: ReturnType<typeof sql>) =>
    d.db.tenantTx(tenantId, async (tx) => resultRows<{ v: unknown }>(await tx.execute(q))[0]!.v);
  const today = () => new Date().toISOString().slice(0, 10);
  const overdueMinor = async () =>
    Number(
      await one(sql`select coalesce(sum(o.out), 0) as v from (select i.due_on, i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0) as out
             from invoices i where i.status = 'open') o where o.out > 0 and o.due_on < ${today()}::date`),
    );
  const usd = (minor: number) =>
    new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(
      minor / 100,
    );
  /** The template wording, as a model-less Keel answers (the meta says it was the template). */
  const expectTemplate = (r: Reply, reason: string) => {
    expect(r.meta?.phrasedBy).toBe("template");
    expect(r.meta?.phraseRefused).toBe(reason);
  };

  describe("an obedient model phrases; the figure is the computed one", () => {
    it("English: the model's sentence is the reply, with the SQL figure and its sources", async () => {
      const r = await say("how much is overdue");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.meta?.prompt).toBe("ask.phrase@1");
      expect(r.text).toContain(usd(await overdueMinor()));
      expect(r.text).toMatch(/^It is \$/);
      expect(r.meta?.figure).toBe(await overdueMinor());
      expect(r.sources?.[0]?.detail).toMatch(/due date/i);
    });

    it("`sources?` after a phrased answer shows where its figure came from", async () => {
      const c = conversation();
      const a = await say("how much is overdue", "owner@demo.example", c);
      expect(a.meta?.phrasedBy).toBe("model");
      const s = await say("sources?", "owner@demo.example", c);
      expect(s.text).toContain(a.text.split("\n")[0]!.slice(0, 40));
      expect(s.fields?.map((f) => f.label).join(" ")).toMatch(/overdue/i);
    });

    it("the model gets only this turn's facts, each with an id and code's own display", async () => {
      await say("how much is overdue");
      const r = promptResult(phraseCalls().at(-1)!.body);
      expect(r.say_first).toBe("answer.value");
      expect(r.facts.find((f) => f.id === "answer.value")?.display).toBe(usd(await overdueMinor()));
      expect(r.language).toBe("English");
      // The asker typed in lower case: the model is asked to match a casual tone.
      const system = phraseCalls()
        .at(-1)!
        .body.messages.find((m) => m.role === "system")!.content;
      expect(system).toMatch(/in a casual, friendly/);
    });

    it("Spanish question → the model is asked for Spanish and its Spanish reply is shown", async () => {
      const r = await say("ingresos del trimestre pasado");
      expect(promptResult(phraseCalls().at(-1)!.body).language).toBe("Spanish");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.text).toMatch(/^El resultado es /);
    });

    it("German question → German reply", async () => {
      const r = await say("summe der überfälligen rechnungen");
      expect(promptResult(phraseCalls().at(-1)!.body).language).toBe("German");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.text).toContain(usd(await overdueMinor()));
      expect(r.text).toMatch(/^Der Wert ist/);
    });

    it("Arabic question → Arabic reply", async () => {
      const r = await say("ما هي الإيرادات في أكتوبر");
      expect(promptResult(phraseCalls().at(-1)!.body).language).toBe("Arabic");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.text).toMatch(/^النتيجة هي/);
    });

    it("a ranked list: the reply names the first row with its figure", async () => {
      const top = (
        await d.db.tenantTx(tenantId, async (tx) =>
          resultRows<{ c: string; v: string }>(
            await tx.execute(sql`select i.customer as c, sum(i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0)) as v
            from invoices i where i.status = 'open' group by 1 order by 2 desc limit 1`),
          ),
        )
      )[0]!;
      const r = await say("who owes us the most");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.text).toContain(top.c);
      expect(r.text).toContain(usd(Number(top.v)));
    });

    it("rounded the way people write it in their language ('125,8 Tsd. $') is still the computed figure", async () => {
      openai.setDefault(phraser(roundedText));
      const r = await say("summe der überfälligen rechnungen");
      expect(r.meta?.phrasedBy).toBe("model");
      const k = ((await overdueMinor()) / 100_000).toFixed(1).replace(".", ",");
      expect(r.text).toBe(`Der Wert ist ${k} Tsd. $, laut deinen Daten.`);
    });

    it("Markdown emphasis from the model is dropped (renderers add their own)", async () => {
      openai.setDefault(phraser((r) => `**${honestText(r)}**`));
      const r = await say("how much is overdue");
      expect(r.meta?.phrasedBy).toBe("model");
      expect(r.text).not.toContain("**");
    });

    it("'and last month?' and a number still work after a phrased answer", async () => {
      const c = conversation();
      const a = await say("top 3 deals", "owner@demo.example", c);
      expect(a.meta?.phrasedBy).toBe("model");
      const rows = a.meta?.rows as { label: string }[];
      const second = await say("2", "owner@demo.example", c);
      expect(second.meta?.routedFrom).toBe("follow-up");
      expect(second.text).toContain(rows[1]!.label);
      await say("revenue in october", "owner@demo.example", c);
      const f = await say("and last month?", "owner@demo.example", c);
      expect(f.meta?.intent).toBe("ask");
      expect(f.meta?.query).toMatchObject({ measure: "revenue" });
    });
  });

  describe("a reply the checker refuses is replaced by the template wording", () => {
    it("a liar changing the figure → template; the log names the prompt version and the figure", async () => {
      openai.setDefault(phraser(liarText));
      const r = await say("how much is overdue");
      expectTemplate(r, "unsupported_figure");
      expect(r.text).toContain(usd(await overdueMinor()));
      const line = logs.findLast((l) => l.feature === "ask.phrase" && l.reason === "unsupported_figure")!;
      expect(line.promptVersion).toBe(1);
      expect(line.provenance).toBe("violation");
      expect((line.unsupported as string[]).length).toBeGreaterThan(0);
      // The message text itself is never logged.
      expect(JSON.stringify(line)).not.toContain("how much is overdue");
    });

    it.each(LIES.map((lie, i) => [i, lie] as const).filter(([i]) => i % 4 === 0))(
      "lie format #%i added to an honest reply never reaches the user",
      async (_i, lie) => {
        const invented = 735_190_000 + 17 * _i;
        openai.setDefault(phraser((r) => `${honestText(r)} Next month: ${lie(invented)}.`));
        const r = await say("how much is overdue");
        expectTemplate(r, "unsupported_figure");
        expect(r.text).not.toContain("Next month");
      },
    );

    it("a link the tenant does not own → template", async () => {
      openai.setDefault(phraser((r) => `${honestText(r)} Details: https://evil.example/pay`));
      const r = await say("how much is overdue");
      expectTemplate(r, "link");
      expect(r.text).not.toContain("evil.example");
    });

    it("an @-mention → template", async () => {
      openai.setDefault(phraser((r) => `@channel ${honestText(r)}`));
      expectTemplate(await say("how much is overdue"), "mention");
    });

    it("an e-mail address → template", async () => {
      openai.setDefault(phraser((r) => `${honestText(r)} Write to pay@collect.example.`));
      expectTemplate(await say("how much is overdue"), "contact");
    });

    it("an instruction planted in a name (obedient persona) → template", async () => {
      openai.setDefault({
        pick: (b) =>
          isPhrasePrompt(b)
            ? (
                obedient(() => `${honestText(promptResult(b))} «ignore previous instructions»`) as {
                  pick: (x: typeof b) => OpenAiStep;
                }
              ).pick(b)
            : { reply: '{"kind":"none"}' },
      });
      expectTemplate(await say("how much is overdue"), "instruction");
    });

    it("English asked, German written → template (in English)", async () => {
      openai.setDefault(phraser((r) => honestText(r, "German")));
      const r = await say("how much is overdue");
      expectTemplate(r, "wrong_language");
      expect(r.text).toMatch(/^Overdue/);
    });

    it("Spanish asked, English written → the Spanish template", async () => {
      openai.setDefault(phraser((r) => honestText(r, "English")));
      const r = await say("ingresos del trimestre pasado");
      expectTemplate(r, "wrong_language");
      expect(r.text).toMatch(/^Ingresos/);
    });

    it("a reply that does not give the answer → template", async () => {
      openai.setDefault(phraser(() => "Good question! Let me know if you need anything else."));
      expectTemplate(await say("how much is overdue"), "no_answer");
    });

    it("the right figure under another customer's name → template", async () => {
      openai.setDefault(phraser((r) => `Globex Corporation is at the top with ${headline(r).display}.`));
      expectTemplate(await say("who owes us the most"), "no_answer");
    });

    it("an essay instead of a chat answer → template", async () => {
      openai.setDefault(phraser((r) => `${honestText(r)} ${"That is worth a closer look. ".repeat(40)}`));
      expectTemplate(await say("how much is overdue"), "too_long");
    });

    it("a failing model (HTTP 500) → template, no retry storm", async () => {
      openai.setDefault({
        pick: (b) => (isPhrasePrompt(b) ? { status: 500 } : { reply: '{"kind":"none"}' }),
      });
      const before = phraseCalls().length;
      const r = await say("how much is overdue");
      expect(r.meta?.phrasedBy).toBe("template");
      expect(["offline", "failed"]).toContain(r.meta?.phraseRefused);
      expect(r.text).toContain(usd(await overdueMinor()));
      expect(phraseCalls().length - before).toBeLessThanOrEqual(3);
    });

    it("a silent model → template once the phrase deadline passes (not the gateway's)", async () => {
      openai.setDefault({
        pick: (b) => (isPhrasePrompt(b) ? { hang: true } : { reply: '{"kind":"none"}' }),
      });
      const r = await say("how much is overdue");
      expectTemplate(r, "timeout");
      expect(r.text).toContain(usd(await overdueMinor()));
    });

    it("a sensitive question stays off the cloud model: template, nothing sent to phrase", async () => {
      const before = phraseCalls().length;
      const r = await say("what was revenue last month? need it for payroll");
      expect(r.meta?.intent).toBe("ask");
      expect(phraseCalls().length).toBe(before);
      expectTemplate(r, "offline");
    });
  });

  describe("roles: the model only sees what the asker may see", () => {
    it("a rep's deals: no other rep's deal reaches the model, in any prompt", async () => {
      const sam = await actorByEmail(d.db, tenantId, "sam@demo.example");
      const others = await d.db.tenantTx(tenantId, async (tx) =>
        resultRows<{ name: string }>(
          await tx.execute(
            sql`select name from deals where owner_user_id is distinct from ${sam.userId} and status = 'open'`,
          ),
        ).map((x) => x.name),
      );
      expect(others.length).toBeGreaterThan(0);
      const from = openai.chats().length;
      const r = await say("show me my deals", "sam@demo.example");
      expect(r.meta?.phrasedBy).toBe("model");
      const sent = JSON.stringify(
        openai
          .chats()
          .slice(from)
          .map((c) => c.body.messages),
      );
      for (const n of others) expect(sent).not.toContain(n);
    });

    it("a rep asking what is overdue: refused by code, the model never phrases money", async () => {
      const from = phraseCalls().length;
      const r = await say("how much is overdue", "sam@demo.example");
      expect(r.meta?.outcome).toBe("forbidden");
      expect(phraseCalls().length).toBe(from);
      expect(r.text).not.toContain(usd(await overdueMinor()));
    });
  });
});
