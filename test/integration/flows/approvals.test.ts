import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { listDeals } from "../../../src/core/features/deals/index.js";
import {
  approvalMetricsByPromptVersion,
  approveDraft,
  createDraft,
  draftHistoryReply,
  editDraft,
  expireDueDrafts,
  rejectDraft,
} from "../../../src/core/features/drafts/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { draftEvents, drafts, outbox } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2026-11-02T09:00:00Z");
const target = { channel: "console", address: "console:test" };
let d: TestDeps;
let tenantId: string;
let sink: ConsoleAdapter;

beforeAll(async () => {
  d = await createTestDeps({}, { clock });
  await loadDemo(d);
  tenantId = (await requireTenant(d.db, "demo")).id;
  sink = new ConsoleAdapter(null);
  d.channels.set("console", sink);
});
afterAll(() => d.cleanup());

const actor = (who: string) => actorByEmail(d.db, tenantId, `${who}@demo.example`);
/** A fresh open deal per draft: one draft may wait per deal, and a resend needs a confirmation. */
const used = new Set<string>(["Acme Logistics"]);
const deal = async () => {
  const list = await d.db.tenantTx(tenantId, (tx) => listDeals(tx, clock.now()));
  const pick = list.find((x) => !used.has(x.name))!;
  used.add(pick.name);
  return pick.id;
};
const events = (id: string) =>
  d.db.tenantTx(tenantId, (tx) =>
    tx.select().from(draftEvents).where(eq(draftEvents.draftId, id)).orderBy(draftEvents.n),
  );

describe("approval ledger", () => {
  it("an edit that adds a discount re-evaluates the policy: the rep is refused, a manager approves", async () => {
    const r = await createDraft(d, await actor("sam"), "Acme Logistics", target);
    const id = String(r.meta?.draftId);
    const edited = await editDraft(
      d,
      await actor("sam"),
      id,
      "Hi Acme, we can offer a 5% discount if the PO arrives this week.",
    );
    expect(edited.fields?.find((f) => f.label === "Needs approval by")?.value).toMatch(
      /owner or manager \(mentions a discount\)/,
    );
    const refused = await approveDraft(d, await actor("sam"), id);
    expect(refused.enqueued).toBe(false);
    expect(refused.reply.text).toMatch(/mentions a discount; it needs approval by owner or manager/);
    const ok = await approveDraft(d, await actor("manager"), id);
    expect(ok.enqueued).toBe(true);
    const ev = await events(id);
    expect(ev.map((e) => e.event)).toEqual([
      "drafted",
      "edited",
      "approve_refused",
      "approved",
      "scheduled",
      "sent",
    ]);
    expect(ev[1]!.detail).toMatchObject({
      diff: { added: ["Hi Acme, we can offer a 5% discount if the PO arrives this week."] },
      policy: [{ rule: "discount" }],
    });
    expect(typeof ev[1]!.detail.before).toBe("string");
  });

  it("concurrent approvals from two channels send once", async () => {
    const r = await createDraft(d, await actor("finance"), await deal(), target);
    const id = String(r.meta?.draftId);
    const before = sink.delivered.length;
    const [sam, manager] = [await actor("sam"), await actor("manager")];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => approveDraft(d, i % 2 ? sam : manager, id)),
    );
    expect(results.filter((x) => x.enqueued)).toHaveLength(1);
    expect(sink.delivered.length - before).toBe(1);
    const rows = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.draftId, id)),
    );
    expect(rows.map((o) => o.status)).toEqual(["sent"]);
  });

  it("pending drafts expire by the sweep and show it in the audit trail", async () => {
    const r = await createDraft(d, await actor("owner"), await deal(), target);
    const id = String(r.meta?.draftId);
    expect(await expireDueDrafts(d, tenantId)).toEqual([]);
    clock.advance((d.config.app.draftExpiryHours + 1) * 3_600_000);
    expect(await expireDueDrafts(d, tenantId)).toContain(id);
    const history = await draftHistoryReply(d, await actor("owner"), id);
    expect(history.text).toMatch(/\(expired\)/);
    expect((history.meta!.events as { event: string }[]).map((e) => e.event)).toEqual(["drafted", "expired"]);
    expect((await approveDraft(d, await actor("owner"), id)).reply.text).toMatch(/already expired/);
    clock.set("2026-11-02T09:00:00Z");
  });

  it("approval metrics per prompt version: untouched, edited with edit distance, rejected", async () => {
    const owner = await actor("owner");
    const a = String((await createDraft(d, owner, await deal(), target)).meta?.draftId);
    const b = String((await createDraft(d, owner, await deal(), target)).meta?.draftId);
    await approveDraft(d, await actor("manager"), a);
    await rejectDraft(d, owner, b, "wrong tone");
    const m = await approvalMetricsByPromptVersion(d, tenantId);
    const t = m.find((x) => x.promptVersion === "template")!;
    expect(t.drafted).toBeGreaterThanOrEqual(5);
    expect(t.approvedWithoutEdit).toBeGreaterThanOrEqual(2);
    expect(t.approvedAfterEdit).toBe(1);
    expect(t.rejected).toBe(1);
    expect(t.expired).toBe(1);
    expect(t.meanEditDistance).toBeGreaterThan(20);
    expect(t.meanEditRatio).toBeGreaterThan(0);
    expect(t.meanEditRatio).toBeLessThanOrEqual(1);
    const [row] = await d.db.tenantTx(tenantId, (tx) => tx.select().from(drafts).where(eq(drafts.id, b)));
    expect(row!.status).toBe("rejected");
  });
});
