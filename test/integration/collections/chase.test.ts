import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overdueInvoices } from "../../../src/core/features/invoices/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { drafts, invoices } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent, IntentArgs } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-12-03T10:00:00Z");
type Batch = { invoice: string; draftSeq?: number; duplicate: boolean; impactMinor: number }[];
// biome-ignore lint/suspicious/noExplicitAny: reply metadata is a plain JSON bag in tests
const meta = (r: Reply) => r.meta as Record<string, any>;

describe("collections: overdue invoices chased as a batch of reminder drafts, biggest cash impact first", () => {
  let d: TestDeps;
  let dispatcher: Dispatcher;
  let demo: string;
  const run = async (args: IntentArgs | string, email = "finance@demo.example", tenantId = demo) => {
    const actor = await actorByEmail(d.db, tenantId, email);
    return dispatcher.dispatch({
      ...(typeof args === "string" ? parseText(args) : args),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  const reminderDrafts = () =>
    d.db.tenantTx(demo, (tx) =>
      tx
        .select()
        .from(drafts)
        .where(and(eq(drafts.subjectType, "invoice"), eq(drafts.kind, "reminder"))),
    );

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    demo = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("“collections ranked by cash impact” drafts one reminder per overdue invoice, biggest impact first", async () => {
    const overdue = await d.db.tenantTx(demo, (tx) => overdueInvoices(tx, clock.now()));
    expect(overdue.length).toBeGreaterThan(1);
    const r = await run("collections ranked by cash impact");
    const batch = meta(r).drafts as Batch;
    expect(batch).toHaveLength(Math.min(10, overdue.length));
    expect(meta(r).ranked).toBe(overdue.length);
    const impacts = batch.map((b) => b.impactMinor);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    // Impact never exceeds what is owed, and every drafted invoice is overdue in the database.
    for (const b of batch) {
      const inv = overdue.find((o) => o.number === b.invoice)!;
      expect(inv).toBeDefined();
      expect(b.impactMinor).toBeLessThanOrEqual(inv.outstandingMinor);
      expect(b.impactMinor).toBeGreaterThan(0);
    }
    const rows = await reminderDrafts();
    expect(rows).toHaveLength(batch.length);
    const ids = await d.db.tenantTx(demo, (tx) =>
      tx
        .select({ id: invoices.id, number: invoices.number })
        .from(invoices)
        .where(
          inArray(
            invoices.number,
            batch.map((b) => b.invoice),
          ),
        ),
    );
    expect(rows.map((x) => x.subjectId).sort()).toEqual(ids.map((x) => x.id).sort());
    expect(r.sections![0]!.title).toMatch(new RegExp(`^1\\. ${batch[0]!.invoice} .+ at stake$`));
    expect(r.text).toContain("biggest cash impact first");
  });

  it("each draft in the batch carries its own buttons, labelled with its number", async () => {
    const r = await run("collections");
    const batch = meta(r).drafts as Batch;
    for (const b of batch) {
      const own = (r.actions ?? []).filter((a) => a.label.endsWith(`#${b.draftSeq}`));
      expect(own.map((a) => a.id).every((id) => id.endsWith(`-${b.draftSeq}`))).toBe(true);
      expect(own.length).toBeGreaterThan(0);
    }
    expect(new Set((r.actions ?? []).map((a) => a.id)).size).toBe((r.actions ?? []).length);
  });

  it("asking again writes no second draft for an invoice (one pending per subject)", async () => {
    const before = (await reminderDrafts()).length;
    const r = await run("chase the overdue invoices");
    const batch = meta(r).drafts as Batch;
    expect(batch.every((b) => b.duplicate)).toBe(true);
    expect((await reminderDrafts()).length).toBe(before);
    expect(r.text).toContain(`0 reminders drafted, ${batch.length} already waiting`);
  });

  it.each([
    ["cobrar las facturas vencidas", "es"],
    ["recordatorios de pagos atrasados por favor", "es"],
    ["überfällige Rechnungen mahnen", "de"],
    ["Mahnungen für offene Rechnungen", "de"],
    ["Chase overdue invoices pls", "en"],
  ])("“%s” (%s) asks for the same batch", async (line) => {
    const before = (await reminderDrafts()).length;
    const r = await run(line);
    expect(meta(r).drafts.length).toBeGreaterThan(0);
    expect((await reminderDrafts()).length).toBe(before);
  });

  it("the four-eyes rule applies per draft: the owner approves one, the others stay pending", async () => {
    const r = await run("collections", "owner@demo.example");
    const batch = meta(r).drafts as Batch;
    const first = batch[0]!;
    const approve = r.actions!.find((a) => a.id === `approve-${first.draftSeq}`)!;
    expect(approve).toBeDefined();
    const res = await run(approve.intent, "owner@demo.example");
    expect(res.text).toContain(`#${first.draftSeq}`);
    const rows = await reminderDrafts();
    const bySeq = new Map(rows.map((x) => [x.seq, x.status]));
    expect(["approved", "scheduled", "sent"]).toContain(bySeq.get(first.draftSeq!));
    for (const b of batch.slice(1)) expect(bySeq.get(b.draftSeq!)).toMatch(/drafted|edited/);
    // Finance wrote these drafts: with four eyes on, finance is not offered Approve on its own batch.
    const own = await run("collections", "finance@demo.example");
    // The approved invoice gets a new draft only with the resend guard's heads-up.
    const again = (meta(own).drafts as Batch).findIndex((b) => b.invoice === first.invoice);
    expect((meta(own).drafts as Batch)[again]!.duplicate).toBe(false);
    expect(own.sections![again]!.text).toContain(
      `Heads-up: draft #${first.draftSeq} about the same subject was sent`,
    );
    // Finance wrote these drafts: over $10,000 four eyes applies, so finance is neither offered
    // Approve on its own big reminder nor allowed to approve it by number.
    const overdue = await d.db.tenantTx(demo, (tx) => overdueInvoices(tx, clock.now()));
    const big = (meta(own).drafts as Batch).find(
      (b) =>
        b.invoice !== first.invoice &&
        overdue.find((o) => o.number === b.invoice)!.outstandingMinor > 1_000_000,
    );
    expect(big).toBeDefined();
    expect((own.actions ?? []).some((a) => a.id === `approve-${big!.draftSeq}`)).toBe(false);
    const tried = await run(
      { kind: "draft.approve", draftRef: String(big!.draftSeq) },
      "finance@demo.example",
    );
    expect(tried.text).toContain("Four eyes");
  });

  it.each([
    ["manager@demo.example", "manager"],
    ["sam@demo.example", "rep"],
    ["viewer@demo.example", "viewer"],
  ])("%s (%s) is refused and nothing is drafted", async (email, role) => {
    const before = (await reminderDrafts()).length;
    const r = await run("chase the overdue invoices", email);
    expect(r.text).toBe(
      `Chasing invoices is for finance and the owner; your role (${role}) cannot draft collection reminders.`,
    );
    expect((await reminderDrafts()).length).toBe(before);
  });

  it("`collections 2` drafts only the two biggest; a company with nothing overdue hears so", async () => {
    const r = await run("collections 2");
    expect(meta(r).drafts).toHaveLength(2);
    const other = (await requireTenant(d.db, "demo-b")).id;
    const none = await run("collections", "owner@harbor.example", other);
    expect(none.text).toBe("No overdue invoices to chase. 🎉");
  });
});
