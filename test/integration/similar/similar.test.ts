import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cashflowReport } from "../../../src/core/features/cashflow/index.js";
import { createCompany } from "../../../src/core/features/company/index.js";
import { findSimilarDeals } from "../../../src/core/features/similar/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { plantDeal } from "../../support/deal-factory.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-12-03T10:00:00Z");
// biome-ignore lint/suspicious/noExplicitAny: reply metadata is a plain JSON bag in tests
const meta = (r: Reply) => r.meta as Record<string, any>;
const section = (r: Reply) => r.sections?.find((s) => s.title === "Similar past deals")?.text ?? "";

describe("similar past deals (pg_trgm + full text, no embeddings)", () => {
  let d: TestDeps;
  let dispatcher: Dispatcher;
  let demo: string;
  let demoB: string;
  const say = async (tenantId: string, line: string, email: string): Promise<Reply> => {
    const actor = await actorByEmail(d.db, tenantId, email);
    return dispatcher.dispatch({
      ...parseText(line),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  const rows = <T>(tenantId: string, q: ReturnType<typeof sql>) =>
    d.db.tenantTx(tenantId, async (tx) => resultRows<T>(await tx.execute(q)));

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    demo = (await requireTenant(d.db, "demo")).id;
    demoB = (await requireTenant(d.db, "demo-b")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("`deal Acme Logistics` lists 7 similar closed deals with counts that match the database", async () => {
    const r = await say(demo, "deal Acme Logistics", "owner@demo.example");
    const s = meta(r).similar;
    expect(s.ids).toHaveLength(7);
    const closed = await rows<{ n: number }>(
      demo,
      sql`select count(*)::int as n from deals where status <> 'open'`,
    );
    expect(s.pool).toBe(closed[0]!.n);
    const statuses = await rows<{ status: string; n: number }>(
      demo,
      sql`select status, count(*)::int as n from deals where id = any(${sql.raw(`array['${s.ids.join("','")}']::uuid[]`)}) group by status`,
    );
    const won = statuses.find((x) => x.status === "won")?.n ?? 0;
    expect(s.won).toBe(won);
    expect(s.lost).toBe(7 - won);
    expect(section(r)).toMatch(new RegExp(`^7 similar deals: ${won} won, ${7 - won} lost`));
    expect(r.sources?.some((x) => x.label === "Similar deals" && /pg_trgm/.test(x.detail ?? ""))).toBe(true);
  });

  it("the median days from this stage equal the won neighbours' stage history, computed in SQL", async () => {
    const r = await say(demo, "deal Acme Logistics", "owner@demo.example");
    const s = meta(r).similar;
    const days = await rows<{ days: number }>(
      demo,
      sql`select round(extract(epoch from (d.stage_entered_at - h.entered_at)) / 86400)::int as days
            from deals d join deal_stage_history h on h.deal_id = d.id
            join stages st on st.id = h.stage_id and st.name = 'Order Received'
           where d.status = 'won' and d.id = any(${sql.raw(`array['${s.ids.join("','")}']::uuid[]`)})`,
    );
    const xs = days.map((x) => x.days).sort((a, b) => a - b);
    const m =
      xs.length % 2 ? xs[xs.length >> 1]! : Math.round((xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
    expect(s.timingN).toBe(xs.length);
    expect(s.medianDaysFromStage).toBe(m);
    expect(section(r)).toContain(`median ${m} days from Order Received to close`);
  });

  it("a rep sees only their own closed deals as similar deals", async () => {
    const r = await say(demo, "deal Acme Logistics", "sam@demo.example");
    const s = meta(r).similar;
    const own = await rows<{ n: number }>(
      demo,
      sql`select count(*)::int as n from deals d join users u on u.id = d.owner_user_id
           where d.status <> 'open' and u.email = 'sam@demo.example'`,
    );
    expect(s.pool).toBe(own[0]!.n);
    const owners = await rows<{ email: string }>(
      demo,
      sql`select distinct u.email from deals d join users u on u.id = d.owner_user_id
           where d.id = any(${sql.raw(`array['${s.ids.join("','")}']::uuid[]`)})`,
    );
    expect(owners.map((o) => o.email)).toEqual(["sam@demo.example"]);
    expect(r.sources?.find((x) => x.label === "Similar deals")?.detail).toContain("you own");
  });

  it("a rep asking about another rep's deal is not shown it (nor its similar deals)", async () => {
    const r = await say(demo, "deal Acme Logistics", "lina@demo.example");
    expect(r.text).toContain('I found no deal matching "Acme Logistics"');
    expect(section(r)).toBe("");
    expect(r.meta?.similar).toBeUndefined();
  });

  it("another tenant's closed deals never appear, even a twin with the same name and notes", async () => {
    const twin = await plantDeal(d, demoB, {
      name: "Acme Logistics",
      value: 4_125_000,
      status: "won",
      path: [
        ["Negotiation", 90],
        ["Won", 10],
      ],
      notes: ["Customer says PO is stuck in their approval workflow; no date yet."],
    });
    const r = await say(demo, "deal Acme Logistics", "owner@demo.example");
    expect(meta(r).similar.ids).not.toContain(twin);
    const direct = await findSimilarDeals(d, demo, [twin]);
    expect(direct.results.size).toBe(0); // the twin's id is invisible inside the demo tenant
  });

  it("names and notes count: a deal sharing the target's words outranks an otherwise identical one", async () => {
    const base = {
      value: 2_000_000,
      status: "won" as const,
      path: [
        ["Lead", 200],
        ["Qualified", 180],
        ["Negotiation", 150],
        ["Won", 120],
      ] as [string, number][],
    };
    const target = await plantDeal(d, demo, {
      name: "Northwind Tiles — kiln retrofit",
      company: "Northwind Tiles",
      value: 2_000_000,
      status: "open",
      path: [
        ["Lead", 40],
        ["Qualified", 30],
        ["Negotiation", 10],
      ],
      notes: ["Kiln retrofit blocked by the insurer's fire inspection."],
    });
    const worded = await plantDeal(d, demo, {
      ...base,
      name: "Southport Ceramics — kiln retrofit",
      company: "Southport Ceramics",
      notes: ["Insurer fire inspection passed after the kiln retrofit."],
    });
    const plain = await plantDeal(d, demo, {
      ...base,
      name: "Eastgate Dairy — chillers",
      company: "Eastgate Dairy",
    });
    const s = await findSimilarDeals(d, demo, [target], { k: 50 });
    const r = s.results.get(target)!;
    if (!r.ok) throw new Error("expected neighbours");
    const a = r.neighbours.find((n) => n.id === worded)!;
    const b = r.neighbours.find((n) => n.id === plain)!;
    expect(a.parts.text).toBeGreaterThan(0.1);
    expect(b.parts.text).toBeLessThan(a.parts.text);
    expect(a.score).toBeGreaterThan(b.score);
  });

  it("matches Spanish and German notes by their words (no English-only stemming)", async () => {
    const target = await plantDeal(d, demo, {
      name: "Bäckerei Müller — Ofen",
      company: "Bäckerei Müller",
      value: 900_000,
      status: "open",
      path: [["Proposal Sent", 5]],
      notes: ["Bestellung wartet auf Freigabe der Geschäftsführung."],
    });
    const de = await plantDeal(d, demo, {
      name: "Konditorei Weber — Ofen",
      company: "Konditorei Weber",
      value: 900_000,
      status: "lost",
      path: [["Proposal Sent", 60]],
      notes: ["Freigabe der Bestellung durch die Geschäftsführung abgelehnt."],
    });
    const es = await plantDeal(d, demo, {
      name: "Panadería Sol — horno",
      company: "Panadería Sol",
      value: 900_000,
      status: "lost",
      path: [["Proposal Sent", 60]],
      notes: ["El cliente eligió otro proveedor por el precio del horno."],
    });
    const s = await findSimilarDeals(d, demo, [target], { k: 100 });
    const r = s.results.get(target)!;
    if (!r.ok) throw new Error("expected neighbours");
    const pDe = r.neighbours.find((n) => n.id === de)!.parts.text;
    const pEs = r.neighbours.find((n) => n.id === es)!.parts.text;
    expect(pDe).toBeGreaterThan(pEs);
  });

  it("a hostile deal name and note are searched as text, never as SQL or query syntax", async () => {
    const evil = await plantDeal(d, demo, {
      name: "x'); drop table deals; -- & | ! :* <-> (",
      company: "'\\\\ ; select pg_sleep(5)",
      value: 100_000,
      status: "open",
      path: [["Lead", 3]],
      notes: ["!!! ||| &&& :*:* <-> '' \"\" \\\\ $$ ;; drop table deal_notes"],
    });
    const s = await findSimilarDeals(d, demo, [evil]);
    expect(s.results.get(evil)?.ok).toBe(true);
    const n = await rows<{ n: number }>(demo, sql`select count(*)::int as n from deals`);
    expect(n[0]!.n).toBeGreaterThan(40);
  });

  it("a casual, partial name finds the deal and its similar deals", async () => {
    const r = await say(demo, "deal acme", "manager@demo.example");
    expect(section(r)).toMatch(/^7 similar deals: \d+ won, \d+ lost/);
  });

  it("a viewer reads the similar deals (read-only) and is offered no draft", async () => {
    const r = await say(demo, "deal Acme Logistics", "viewer@demo.example");
    expect(section(r)).toMatch(/similar deals/);
    expect(r.actions ?? []).toHaveLength(0);
  });

  it("the cash simulation reads the same similar deals as the deal summary", async () => {
    const r = await say(demo, "deal Acme Logistics", "owner@demo.example");
    const report = await cashflowReport(d, demo, { paths: 500 });
    const acmeId = meta(r).dealId as string;
    const { ids: _ids, pool: _pool, embeddings: _e, ...stats } = meta(r).similar;
    expect(report.similar[acmeId]).toEqual(stats);
    expect(
      report.assumptions.some((a) => a.startsWith("Similar past deals: each open deal's 7 most similar")),
    ).toBe(true);
  });

  describe("tiny history", () => {
    let tiny: string;
    beforeAll(async () => {
      const made = await createCompany(d, {
        company: "Tiny Co",
        slug: "tiny-co",
        currency: "USD",
        timezone: "Europe/Berlin",
        owner: "boss@tiny.example",
        pipeline: "b2b-sales",
      });
      tiny = made.tenant.id;
      await plantDeal(d, tiny, {
        name: "First order",
        value: 50_000,
        status: "open",
        path: [["Qualified", 4]],
      });
    });

    it("with no closed deals it says there is nothing to compare with", async () => {
      const r = await say(tiny, "deal First order", "boss@tiny.example");
      expect(section(r)).toBe("No closed deals yet to compare with.");
      expect(meta(r).similar).toEqual({ pool: 0, reason: "thin_history" });
    });

    it("with 2 closed deals it says so instead of inventing a rate", async () => {
      for (const name of ["Old win", "Old loss"])
        await plantDeal(d, tiny, {
          name,
          value: 40_000,
          status: name === "Old win" ? "won" : "lost",
          path: [
            ["Qualified", 100],
            [name === "Old win" ? "Won" : "Lost", 50],
          ],
        });
      const r = await say(tiny, "deal First order", "boss@tiny.example");
      expect(section(r)).toBe(
        "Only 2 closed deals so far: too few to compare with (similar deals need at least 5).",
      );
      const report = await cashflowReport(d, tiny, { paths: 200 });
      expect(report.similar).toEqual({});
      expect(report.assumptions).toContain(
        "Similar past deals: only 2 closed deals, too few to compare with; stage rates alone.",
      );
    });
  });
});
