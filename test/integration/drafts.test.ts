import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../src/bots/console/adapter.js";
import { listDeals } from "../../src/core/features/deals/index.js";
import { approveDraft, createDraft, editDraft, rejectDraft } from "../../src/core/features/drafts/index.js";
import { actorByEmail, requireTenant } from "../../src/core/features/tenancy/index.js";
import { draftEvents, drafts, outbox } from "../../src/core/infra/db/schema/index.js";
import type { ChatAdapter } from "../../src/core/ports/chat-adapter.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

const target = { channel: "console", address: "console:test" };

describe("drafts: approve → outbox → delivered exactly once", () => {
  let d: TestDeps;
  let tenantId: string;
  let sink: ConsoleAdapter;
  const clock = fixedClock("2026-11-02T09:00:00Z");

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    sink = new ConsoleAdapter(null);
    d.channels.set("console", sink);
  });
  afterAll(() => d.cleanup());

  const actor = (email: string) => actorByEmail(d.db, tenantId, email);
  /** One open deal per test: at most one draft may wait per deal, and a resend needs a confirmation. */
  const used = new Set<string>(["Acme Logistics"]);
  const deal = async (ownerEmail?: string) => {
    const list = await d.db.tenantTx(tenantId, (tx) => listDeals(tx, clock.now()));
    const pick = list.find((x) => !used.has(x.name) && (!ownerEmail || x.ownerEmail === ownerEmail))!;
    used.add(pick.name);
    return pick.id;
  };

  it("a draft offers its author Edit / Reject but not Approve above the four-eyes amount", async () => {
    const reply = await createDraft(d, await actor("sam@demo.example"), "Acme Logistics", target);
    expect(reply.actions?.map((a) => a.label)).toEqual(["Edit", "Reject"]);
    expect(reply.fields?.find((f) => f.label === "You can't approve")?.value).toMatch(/Four eyes/);
    expect(reply.fields?.find((f) => f.label === "Amount")?.value).toBe("$41,250");
    const id = String(reply.meta?.draftId);
    const events = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(draftEvents).where(eq(draftEvents.draftId, id)),
    );
    expect(events.map((e) => e.event)).toEqual(["drafted"]);
  });

  it("concurrent approvals send once and record one approval", async () => {
    const reply = await createDraft(d, await actor("finance@demo.example"), await deal(), target);
    const id = String(reply.meta?.draftId);
    const before = sink.delivered.length;
    const owner = await actor("owner@demo.example");
    const manager = await actor("manager@demo.example");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => approveDraft(d, i % 2 ? owner : manager, id)),
    );
    expect(results.filter((r) => r.enqueued)).toHaveLength(1);
    expect(sink.delivered.length - before).toBe(1);
    const rows = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.draftId, id)),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("sent");
    const events = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(draftEvents).where(eq(draftEvents.draftId, id)).orderBy(draftEvents.n),
    );
    expect(events.map((e) => e.event)).toEqual(["drafted", "approved", "scheduled", "sent"]);
    const [row] = await d.db.tenantTx(tenantId, (tx) => tx.select().from(drafts).where(eq(drafts.id, id)));
    expect(row!.status).toBe("sent");
  });

  it("a viewer is refused and the refusal is recorded; nothing is sent", async () => {
    const reply = await createDraft(d, await actor("manager@demo.example"), await deal(), target);
    const id = String(reply.meta?.draftId);
    const before = sink.delivered.length;
    const res = await approveDraft(d, await actor("viewer@demo.example"), id);
    expect(res.enqueued).toBe(false);
    expect(res.reply.text).toMatch(/viewer cannot approve/);
    expect(sink.delivered.length).toBe(before);
    const events = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(draftEvents).where(eq(draftEvents.draftId, id)).orderBy(draftEvents.n),
    );
    expect(events.map((e) => e.event)).toEqual(["drafted", "approve_refused"]);
  });

  it("a rep can approve drafts about their own deals only", async () => {
    const own = await createDraft(
      d,
      await actor("manager@demo.example"),
      await deal("sam@demo.example"),
      target,
    );
    const lina = await approveDraft(d, await actor("lina@demo.example"), String(own.meta?.draftId));
    expect(lina.enqueued).toBe(false);
    const sam = await approveDraft(d, await actor("sam@demo.example"), String(own.meta?.draftId));
    expect(sam.enqueued).toBe(true);
  });

  it("an edit stores the diff; a rejected draft cannot be approved", async () => {
    const r = await createDraft(d, await actor("owner@demo.example"), await deal(), target);
    const id = String(r.meta?.draftId);
    const owner = await actor("owner@demo.example");
    await editDraft(d, owner, id, "Hello Acme, quick check on the PO?");
    const [ev] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(draftEvents).where(eq(draftEvents.draftId, id)).orderBy(draftEvents.n).offset(1),
    );
    expect(ev!.event).toBe("edited");
    expect((ev!.detail.diff as { added: string[] }).added).toEqual(["Hello Acme, quick check on the PO?"]);
    await rejectDraft(d, owner, id, "not now");
    const again = await approveDraft(d, owner, id);
    expect(again.enqueued).toBe(false);
    expect(again.reply.text).toMatch(/already rejected/);
  });

  it("an expired draft cannot be approved", async () => {
    const r = await createDraft(d, await actor("owner@demo.example"), await deal(), target);
    clock.advance((d.config.app.draftExpiryHours + 1) * 3_600_000);
    const res = await approveDraft(d, await actor("owner@demo.example"), String(r.meta?.draftId));
    expect(res.enqueued).toBe(false);
    expect(res.reply.text).toMatch(/expired/);
    clock.set("2026-11-02T09:00:00Z");
  });

  it("a failing channel leaves the message in the outbox for retry", async () => {
    const failing: ChatAdapter = {
      channel: "slack",
      capabilities: sink.capabilities,
      send: async () => Promise.reject(new Error("503 from channel")),
    };
    d.channels.set("slack", failing);
    const r = await createDraft(d, await actor("finance@demo.example"), await deal(), {
      channel: "slack",
      address: "C1",
    });
    const res = await approveDraft(d, await actor("owner@demo.example"), String(r.meta?.draftId));
    expect(res.reply.text).toMatch(/retried/);
    const [row] = await d.db.tenantTx(tenantId, (tx) =>
      tx
        .select()
        .from(outbox)
        .where(eq(outbox.draftId, String(r.meta?.draftId))),
    );
    expect(row!.status).toBe("failed");
    expect(row!.lastError).toContain("503");
  });
});
