import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { renderConsole } from "../../../src/bots/console/render.js";
import { EmailAdapter } from "../../../src/bots/email/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { IntentArgs } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp-sink.js";
import { systemOf } from "./helpers.js";

const clock = fixedClock("2026-11-02T09:00:00Z");

function harness(d: TestDeps, tenantId: string, dispatcher: Dispatcher) {
  return async (email: string, input: string | IntentArgs, conversationId = `c:${email}`): Promise<Reply> => {
    const a = await actorByEmail(d.db, tenantId, email);
    const args = typeof input === "string" ? parseText(input) : input;
    return dispatcher.dispatch({
      ...args,
      origin: { tenantId, userId: a.userId, channel: "console", conversationId },
      idempotencyKey: randomUUID(),
    } as never);
  };
}

describe("core flows on the demo company (no language model, email delivery)", () => {
  let d: TestDeps;
  let smtp: SmtpSink;
  let say: ReturnType<typeof harness>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    d.channels.set("console", new ConsoleAdapter(null));
    d.channels.set("email", new EmailAdapter({ url: smtp.url, from: "Northwind <keel@northwind.example>" }));
    const tenantId = (await requireTenant(d.db, "demo")).id;
    say = harness(d, tenantId, createDispatcher(d, registry));
  });
  afterAll(async () => {
    await d.cleanup();
    await smtp.close();
  });

  it('"I want to grow revenue" yields validated SMART goals with numbers from the data and accept actions', async () => {
    const r = await say("owner@demo.example", { kind: "goal.plan", text: "I want to grow revenue" });
    expect(r.text).toMatch(/SMART goals? for revenue/);
    const goals = r.meta?.goals as { id: string; target: number; baseline: number; deadline: string }[];
    expect(goals.length).toBeGreaterThanOrEqual(1);
    expect(goals[0]!.deadline).toBe("2027-01-31");
    const rendered = renderConsole(r);
    expect(rendered).toContain(`Baseline: $${Math.round(goals[0]!.baseline).toLocaleString("en-US")}`);
    expect(rendered).toMatch(/Achievable: (on trend|stretch) — needs \+[\d.]+ % in 90 days/);
    expect(r.actions?.[0]?.intent).toEqual({ kind: "goal.accept", goalRef: goals[0]!.id });
    const accepted = await say("owner@demo.example", r.actions![0]!.intent as IntentArgs);
    expect(accepted.text).toMatch(/Goal accepted/);
    const list = await say("owner@demo.example", "goals");
    expect(list.text).toMatch(/^1 active goal/);
    expect(renderConsole(list)).toMatch(/expected today/);
  });

  it("a rep cannot accept a goal", async () => {
    const r = await say("owner@demo.example", "goal grow orders 5 % in 60 days");
    const refused = await say("sam@demo.example", r.actions![0]!.intent as IntentArgs);
    expect(refused.text).toMatch(/cannot set goals/);
  });

  it("`deal Acme Logistics` gives a summary with the stage checklist (missing PO attached), and sources on request", async () => {
    const r = await say("owner@demo.example", "deal Acme Logistics", "c:sources");
    expect(r.text).toMatch(/Deterministic summary/);
    expect(r.meta).toMatchObject({ confidence: 0, missing: ["PO attached"] });
    expect(r.sections?.find((s) => s.title === "Checklist — Order Received")?.text).toContain(
      "❌ PO attached — missing",
    );
    const src = await say("owner@demo.example", "sources?", "c:sources");
    expect(src.text).toMatch(/Sources for my last answer/);
    expect(src.fields?.map((f) => f.label)).toEqual(["Deal record", "Stage rules", "Similar deals"]);
    const other = await say("owner@demo.example", "sources?", "c:elsewhere");
    expect(other.text).toMatch(/not given you any figures/);
  });

  it("`remind Acme Logistics` drafts an email only an allowed role can approve, delivered once", async () => {
    const draft = await say("sam@demo.example", "remind Acme Logistics");
    const id = String(draft.meta?.draftId);
    expect(draft.fields?.find((f) => f.label === "Goes to")?.value).toMatch(
      /^email \S+@acmelogistics\.example$/,
    );
    for (const who of ["viewer", "finance", "lina"]) {
      const r = await say(`${who}@demo.example`, { kind: "draft.approve", draftRef: id });
      expect(r.text, who).toMatch(/can't approve|cannot approve|does not allow/);
    }
    expect(smtp.mails).toHaveLength(0);
    const [a, b] = await Promise.all([
      say("sam@demo.example", { kind: "draft.approve", draftRef: id }),
      say("manager@demo.example", { kind: "draft.approve", draftRef: id }),
    ]);
    expect([a.text, b.text].filter((t) => /Delivered/.test(t))).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual([
      String(draft.fields?.find((f) => f.label === "Goes to")?.value).split(" ")[1],
    ]);
    expect(smtp.mails[0]!.subject).toBe("Following up: Acme Logistics");
    expect(smtp.mails[0]!.messageId).toMatch(/^<[0-9a-f-]{36}@northwind\.example>$/);
    const again = await say("owner@demo.example", { kind: "draft.approve", draftRef: id });
    expect(again.text).toMatch(/already (scheduled|sent)/);
    expect(smtp.mails).toHaveLength(1);
  });

  it("drafts in Arabic from the template when asked", async () => {
    const r = await say("owner@demo.example", "remind Acme Logistics in arabic");
    expect(r.text).toContain("متابعة: Acme Logistics");
  });
});

describe("an invented number in a model reply never reaches the user", () => {
  let d: TestDeps;
  let fake: FakeOpenAi;
  let say: ReturnType<typeof harness>;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    fake.setDefault({
      fn: (body) => {
        const sys = systemOf(body);
        if (/summarise one sales deal/.test(sys))
          return JSON.stringify({
            summary: "Acme Logistics is a $48,000 deal, stuck 75 days.",
            next_action: "Offer 12 % off.",
            blockers: [],
            missing_information: [],
            confidence: 0.9,
          });
        if (/follow-up emails/.test(sys))
          return JSON.stringify({
            subject: "Acme: special offer",
            body: "Hi Acme, sign today and get $48,000 credit.",
          });
        return "{}";
      },
    });
    d = await createTestDeps(
      { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", LLM_RETRY_BASE_MS: "5" },
      { clock },
    );
    await loadDemo(d);
    d.channels.set("console", new ConsoleAdapter(null));
    const tenantId = (await requireTenant(d.db, "demo")).id;
    say = harness(d, tenantId, createDispatcher(d, registry));
  });
  afterAll(async () => {
    await d.cleanup();
    await fake.close();
  });

  it("deal summaries and drafts fall back to code phrasing", async () => {
    const deal = await say("owner@demo.example", "deal Acme Logistics");
    const draft = await say("owner@demo.example", "remind Acme Logistics");
    expect(fake.chats().length).toBeGreaterThanOrEqual(2);
    for (const r of [deal, draft]) {
      const shown = renderConsole(r);
      expect(shown).not.toMatch(/48,000|12 %/);
      expect(JSON.stringify(r)).not.toContain("48,000");
    }
    expect(deal.meta).toMatchObject({ summary: "deterministic", fallback: "provenance" });
    expect(draft.text).toContain("Following up: Acme Logistics");
  });
});
