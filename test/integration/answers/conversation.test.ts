import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleSession } from "../../../src/bots/console/session.js";
import { CONTEXT_TTL_MS, PENDING_TTL_MS } from "../../../src/core/features/conversation/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent, Origin } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Conversation state across separate turns, as `keel say` (one process per message), Slack and
 * WhatsApp deliver them: every turn is a fresh dispatch with only the origin in common, so whatever
 * carries over is in the database (per tenant, person and conversation).
 */
describe("conversation context: follow-ups, entities and numbered choices", () => {
  let d: TestDeps;
  let tenantId: string;
  let otherTenant: string;
  const now = { t: Date.now() };
  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    otherTenant = (await requireTenant(d.db, "demo-b")).id;
  });
  afterAll(() => d.cleanup());

  const one = async <T>(tid: string, q: ReturnType<typeof sql>) =>
    d.db.tenantTx(tid, async (tx) => resultRows<T>(await tx.execute(q)));

  /** One message in a conversation, as a separate delivery (new dispatcher, new idempotency key). */
  async function say(
    who: string,
    text: string,
    conv: Partial<Origin> & { conversationId: string },
    tid = tenantId,
  ): Promise<Reply> {
    const actor = await actorByEmail(d.db, tid, who);
    return createDispatcher(d, registry).dispatch({
      ...parseText(text),
      origin: { tenantId: tid, userId: actor.userId, channel: "console", ...conv },
      idempotencyKey: randomUUID(),
    } as Intent);
  }
  const conv = (channel: Origin["channel"] = "console") => ({ channel, conversationId: `c-${randomUUID()}` });
  const meta = (r: Reply) => (r.meta ?? {}) as Record<string, unknown>;

  it("a Spanish conversation keeps Spanish for a bad number, an unknown word and a dangling 'remind them'", async () => {
    const c = conv();
    const list = await say("owner@demo.example", "muéstrame los tratos abiertos", c);
    expect(meta(list).lang).toBe("es");
    // No model configured: the template answers, untouched by the phrasing step.
    expect(meta(list).phrasedBy).toBeUndefined();
    expect(list.text).toMatch(/^Tratos/);
    const n = (meta(list).rows as unknown[]).length;
    expect(n).toBeGreaterThan(1);
    expect((await say("owner@demo.example", "99", c)).text).toBe(`Elige un número del 1 al ${n}.`);
    expect((await say("owner@demo.example", "dels", c)).text).toMatch(/^No conozco «dels»/);
    const c2 = conv();
    await say("owner@demo.example", "¿cuánto dinero cobramos este mes?", c2);
    expect((await say("owner@demo.example", "recuérdales", c2)).text).toMatch(/^¿A quién/);
    // An answer that expired its choices still answers in the conversation's language.
    expect((await say("owner@demo.example", "3", c2)).text).toMatch(/^Ahora mismo no hay ninguna lista/);
    const c3 = conv();
    expect(meta(await say("owner@demo.example", "ingresos del trimestre pasado", c3)).intent).toBe("ask");
    expect((await say("owner@demo.example", "¿fuentes?", c3)).text).toMatch(
      /^Fuentes de mi última respuesta/,
    );
  });

  it('"and last month?" re-runs the last query with the new window (English, Spanish, German, Arabic)', async () => {
    for (const follow of ["and last month?", "y el mes pasado?", "und letzten Monat?", "والشهر الماضي؟"]) {
      const c = conv();
      const first = await say("owner@demo.example", "how much cash did we collect this month", c);
      expect(meta(first).intent).toBe("ask");
      const again = await say("owner@demo.example", follow, c);
      expect(meta(again).intent, follow).toBe("ask");
      const q = meta(again).query as {
        measure: string;
        window: { kind: string; offset?: number; unit?: string };
      };
      expect(q.measure).toBe("collected_cash");
      expect(q.window).toEqual({ kind: "relative", unit: "month", offset: -1 });
    }
  });

  it('"what about Q3" keeps the measure and takes the quarter; the figure matches SQL', async () => {
    const c = conv("slack");
    await say("owner@demo.example", "how many deals did we win this quarter", c);
    const r = await say("owner@demo.example", "what about Q3", c);
    const q = meta(r).query as { measure: string; window: unknown; filters: { status?: string } };
    expect(q.measure).toBe("deal_count");
    expect(q.filters.status).toBe("won");
    expect(q.window).toMatchObject({ kind: "quarter", quarter: 3 });
  });

  it("a follow-up with no previous question is not a re-run of someone else's", async () => {
    const c = conv();
    await say("owner@demo.example", "how much cash did we collect this month", c);
    // Another person in the same conversation id has no context of their own.
    const r = await say("finance@demo.example", "and last month?", c);
    expect(meta(r).query).toBeUndefined();
    // The same person in another tenant neither.
    const r2 = await say("owner@harbor.example", "and last month?", c, otherTenant);
    expect(meta(r2).query).toBeUndefined();
  });

  it('a number answers the list just shown, across one-shot calls ("2" after "top 3 deals")', async () => {
    const c = conv();
    const list = await say("owner@demo.example", "top 3 deals", c);
    const rows = meta(list).rows as { label: string }[];
    expect(rows.length).toBe(3);
    const r = await say("owner@demo.example", "2", c);
    expect(meta(r).routedFrom).toBe("follow-up");
    expect(r.text).toContain(rows[1]!.label);
    // Arabic-Indic digits work too.
    await say("owner@demo.example", "top 3 deals", c);
    const ar = await say("owner@demo.example", "٣", c);
    expect(ar.text).toContain(rows[2]!.label);
  });

  it('"tell me more about the second one" and "that deal" point at what was just listed', async () => {
    const c = conv("whatsapp");
    const list = await say("owner@demo.example", "show me the 3 biggest deals", c);
    const rows = meta(list).rows as { label: string }[];
    const r = await say("owner@demo.example", "tell me more about the second one", c);
    expect(r.text).toContain(rows[1]!.label);
  });

  it("a number out of range or with nothing offered explains instead of guessing", async () => {
    const c = conv();
    const none = await say("owner@demo.example", "3", c);
    expect(none.text).toMatch(/no list to choose from/);
    await say("owner@demo.example", "top 2 deals", c);
    const far = await say("owner@demo.example", "7", c);
    expect(far.text).toMatch(/from 1 to 2/);
  });

  it("pending choices expire; the context expires later", async () => {
    const c = conv();
    await say("owner@demo.example", "top 3 deals", c);
    const actor = await actorByEmail(d.db, tenantId, "owner@demo.example");
    // Age the row: choices older than PENDING_TTL_MS no longer answer a number.
    await one(
      tenantId,
      sql`update conversation_context set pending_expires_at = now() - interval '1 second'
          where conversation_id = ${c.conversationId} and user_id = ${actor.userId}`,
    );
    const r = await say("owner@demo.example", "1", c);
    expect(r.text).toMatch(/no list to choose from/);
    expect(PENDING_TTL_MS).toBeLessThan(CONTEXT_TTL_MS);
    await say("owner@demo.example", "how much cash did we collect this month", c);
    await one(
      tenantId,
      sql`update conversation_context set expires_at = now() - interval '1 second'
          where conversation_id = ${c.conversationId} and user_id = ${actor.userId}`,
    );
    const later = await say("owner@demo.example", "and last month?", c);
    expect(meta(later).query).toBeUndefined();
  });

  it('"remind them" drafts for the customer just discussed; "approve it" acts on that draft', async () => {
    const c = conv("slack");
    const top = await say("owner@demo.example", "who owes us the most", c);
    const debtor = (meta(top).rows as { label: string }[])[0]!.label;
    const draft = await say("owner@demo.example", "remind them", c);
    if (!meta(draft).draftId) {
      // Several open invoices: a numbered choice among that customer's invoices, then "1" drafts one.
      expect(draft.text).toContain(debtor);
      expect(draft.actions?.length).toBeGreaterThan(1);
      const picked = await say("owner@demo.example", "1", c);
      expect(meta(picked).draftId, picked.text).toBeTruthy();
      Object.assign(draft, picked);
    }
    const [subject] = await one<{ customer: string; type: string }>(
      tenantId,
      sql`select i.customer, dr.subject_type as type from drafts dr join invoices i on i.id = dr.subject_id
          where dr.id = ${meta(draft).draftId as string}`,
    );
    expect(subject).toEqual({ customer: debtor, type: "invoice" });
    const approved = await say("owner@demo.example", "approve it", c);
    expect(approved.text).not.toMatch(/Which draft/);
    expect(
      approved.outcome?.kind === "decided" ||
        /approv|four eyes|another person|cannot approve/i.test(approved.text),
    ).toBe(true);
  });

  it('"remind them" / "approve it" with nothing discussed asks instead of guessing', async () => {
    const c = conv();
    expect((await say("owner@demo.example", "remind them", c)).text).toMatch(/Who should I remind/);
    expect((await say("owner@demo.example", "approve it", c)).text).toMatch(/Which draft/);
  });

  it('"remind ACME about their invoice" drafts the reminder for that customer\'s open invoice', async () => {
    const [row] = await one<{ customer: string; number: string }>(
      tenantId,
      sql`select i.customer, i.number from invoices i where i.status = 'open'
            and i.amount_minor > coalesce((select sum(amount_minor) from payments p where p.invoice_id = i.id), 0)
            and (select count(*) from invoices j where j.customer = i.customer and j.status = 'open') = 1
          limit 1`,
    );
    expect(row).toBeDefined();
    const first = row!.customer.split(/\s+/)[0]!;
    const r = await say("finance@demo.example", `remind ${first} about their invoice`, conv());
    expect(r.text).not.toMatch(/no deal matching|found no deal/i);
    expect(meta(r).draftId, r.text).toBeTruthy();
    expect(r.text).toContain(row!.number);
  });

  it("the console session and a one-shot call share the same stored context", async () => {
    const actor = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const id = `console:${randomUUID()}`;
    const session = new ConsoleSession(createDispatcher(d, registry), actor, id);
    await session.handle("how much cash did we collect this month");
    const r = await say("owner@demo.example", "and last month?", { channel: "console", conversationId: id });
    expect((meta(r).query as { measure: string }).measure).toBe("collected_cash");
  });

  it("the stored context is under RLS: another tenant sees no rows", async () => {
    const rows = await one<{ n: string }>(
      otherTenant,
      sql`select count(*) as n from conversation_context where tenant_id = ${tenantId}`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const mine = await one<{ n: string }>(tenantId, sql`select count(*) as n from conversation_context`);
    expect(Number(mine[0]!.n)).toBeGreaterThan(0);
  });
  void now;
});
