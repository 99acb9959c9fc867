import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversations, messages, outbox, tenants } from "../../src/core/infra/db/schema/index.js";
import { createLogger, type Logger } from "../../src/core/infra/logger.js";
import { wellFormed } from "../../src/core/kernel/text.js";
import { createHarness, type Harness } from "./slack/harness.js";
import { type CloudHarness, cloudHarness, text } from "./whatsapp/cloud-harness.js";

/**
 * A NUL byte or a lone surrogate in an inbound text used to lose the reply silently (Postgres
 * rejects U+0000 in text; JSON encoders and jsonb reject lone surrogates). Each case goes in through
 * the real webhook / events endpoint with the platform's payload shape (JSON escapes, as Meta and
 * Slack send them) and must come out answered, stored (the user's turn in the coach history) and
 * delivered — with ids and counts in the log, never the text.
 */
/** `coach`: the text is a coach question, so the user's turn is stored in the history (repaired). */
const CASES: [name: string, text: string, coach: boolean][] = [
  ["NUL byte", "how are we doing\u0000 this month?", true],
  ["lone high surrogate", "how are we doing \uD83D with the team?", true],
  ["lone low surrogate", "how are we doing \uDE00 lately, honestly?", true],
  ["valid emoji pairs (skin tone, flag, ZWJ family)", "how are we doing 😀👍🏽🇩🇪👨‍👩‍👧 this month?", true],
  ["RTL text (Arabic and Hebrew)", "كيف حال المبيعات هذا الشهر؟ ומה עם ההכנסות?", false],
  ["RTL mixed into a coach question", "how are we doing with ‏שלום‎ and مرحبا customers?", true],
  // Over the model's context: answered with "too long, send the key part" (not stored as a turn).
  ["64 KB text", `how are we doing overall? ${"context ".repeat(8 * 1024)}`, false],
  [
    "NUL and lone surrogates together in a long text",
    `how are we doing\u0000\uDBFF ${"é".repeat(20_000)}\uDC00\u0000?`,
    true,
  ],
];

const lines: Record<string, unknown>[] = [];
const logger: Logger = createLogger({
  level: "info",
  destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
});

/** The last user turn stored in the coach history of a tenant. */
async function lastUserTurn(deps: CloudHarness["d"], tenantId: string) {
  const [row] = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select({ content: messages.content })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.tenantId, tenantId), eq(messages.role, "user")))
      .orderBy(desc(messages.createdAt))
      .limit(1),
  );
  return row?.content;
}

const isStorable = (s: string) => !s.includes("\u0000") && wellFormed(s) === s;

describe("WhatsApp Cloud webhook: NUL, lone surrogates, emoji, RTL, 64 KB", () => {
  let wa: CloudHarness;
  beforeAll(async () => {
    wa = await cloudHarness({}, undefined, { logger });
  }, 120_000);
  afterAll(() => wa?.close());

  it.each(CASES)("%s → answered, stored, delivered", async (name, body, coach) => {
    wa.graph.reset();
    const res = await wa.post(text("+15550000001", body));
    expect(res.status).toBe(200);
    const sent = wa.graph.messages() as { to: string; text?: { body: string } }[];
    expect({ name, answered: sent.some((m) => m.to === "15550000001") }).toEqual({ name, answered: true });
    expect(sent.at(-1)!.text?.body ?? "").not.toMatch(/went wrong|error/i);
    if (coach) {
      const stored = await lastUserTurn(wa.d, wa.tenantId);
      expect(isStorable(stored!)).toBe(true);
      // What survives is the person's text minus the broken code units (emoji and RTL intact).
      // Long turns are stored up to the history's cap: a prefix of the repaired text.
      expect(stored!.length).toBeGreaterThan(20);
      expect(wellFormed(body).trim().startsWith(stored!)).toBe(true);
    }
    const [row] = await wa.d.db.tenantTx(wa.tenantId, (tx) =>
      tx
        .select()
        .from(outbox)
        .where(eq(outbox.tenantId, wa.tenantId))
        .orderBy(desc(outbox.createdAt))
        .limit(1),
    );
    expect(row?.status).toBe("sent");
  });

  it("repairs are logged with counts and ids, never the text", () => {
    // No turn failed on the way (the old symptom: a database or JSON error and no reply).
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    const repairs = lines.filter((l) => String(l.msg).includes("text repaired"));
    expect(repairs.length).toBeGreaterThanOrEqual(4);
    expect(repairs.find((l) => l.nul === 1 && l.loneSurrogates === 0)).toBeDefined();
    expect(repairs.find((l) => l.nul === 2 && l.loneSurrogates === 2)).toBeDefined();
    const all = JSON.stringify(lines);
    expect(all).not.toContain("how are sales");
    expect(all).not.toContain("كيف حال");
    expect(all).not.toContain("context context");
  });
});

describe("Slack events and commands: NUL, lone surrogates, emoji, RTL, 64 KB", () => {
  let h: Harness;
  let demoId: string;
  beforeAll(async () => {
    h = await createHarness({ logger });
    demoId = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo")))[0]!.id;
  }, 120_000);
  afterAll(() => h?.close());

  it.each(CASES)("%s in a DM → answered, stored, delivered", async (name, body, coach) => {
    const before = h.api.callsTo("chat.postMessage").length + h.api.callsTo("chat.update").length;
    const ts = `17000${Math.floor(Math.random() * 1e5)}.000100`;
    const r = await h.event({
      type: "message",
      channel_type: "im",
      channel: "D0OWNER",
      user: "U0OWNER",
      text: body,
      ts,
    });
    expect(r.res.status).toBe(200);
    await h.runtime.idle();
    const after = h.api.callsTo("chat.postMessage").length + h.api.callsTo("chat.update").length;
    expect({ name, delivered: after > before }).toEqual({ name, delivered: true });
    const last = [...h.api.callsTo("chat.postMessage"), ...h.api.callsTo("chat.update")].at(-1)!;
    expect(String(last.params.text ?? "")).not.toBe("");
    expect(String(last.params.text)).not.toMatch(/went wrong/i);
    if (coach) {
      const stored = await lastUserTurn(h.deps, demoId);
      expect(isStorable(stored!)).toBe(true);
      // Long turns are stored up to the history's cap: a prefix of the repaired text.
      expect(stored!.length).toBeGreaterThan(20);
      expect(wellFormed(body).trim().startsWith(stored!)).toBe(true);
    }
  });

  it.each(CASES.slice(0, 3))("%s in a slash command → answered", async (_name, body) => {
    const r = await h.command("/coach", body);
    expect(r.res.status).toBe(200);
    await h.runtime.idle();
    const answered = h.api.responsesFor(r.responseId).length + (await r.res.clone().text()).length;
    expect(answered).toBeGreaterThan(0);
  });
});
