import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDeals } from "../../../src/core/features/deals/index.js";
import {
  approveDraft,
  createDraft,
  editDraft,
  expireDueDrafts,
  rejectDraft,
} from "../../../src/core/features/drafts/index.js";
import { openInvoices } from "../../../src/core/features/invoices/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { draftEvents, drafts, outbox } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Random sequences of draft / edit / approve / reject / expire by random people of every role, on a
 * real database. Whatever happens, the ledger must show: at most one send per draft, no send without
 * an approval by someone allowed (never a viewer; never the creator above the four-eyes threshold),
 * no approval after a rejection or expiry.
 */
const clock = fixedClock("2025-06-18T10:00:00Z");
const EMAILS = [
  "owner@demo.example",
  "manager@demo.example",
  "sam@demo.example",
  "lina@demo.example",
  "finance@demo.example",
  "viewer@demo.example",
] as const;
const target = { channel: "console", address: "console:prop" };

type Cmd =
  | { op: "create"; who: number; subject: number; insist: boolean }
  | { op: "edit"; who: number; draft: number }
  | { op: "approve"; who: number; draft: number; confirm: boolean }
  | { op: "reject"; who: number; draft: number }
  | { op: "expire" };

const who = fc.integer({ min: 0, max: EMAILS.length - 1 });
const pick = fc.integer({ min: 0, max: 50 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), who, subject: pick, insist: fc.boolean() }),
  fc.record({ op: fc.constant("edit" as const), who, draft: pick }),
  fc.record({ op: fc.constant("approve" as const), who, draft: pick, confirm: fc.boolean() }),
  fc.record({ op: fc.constant("approve" as const), who, draft: pick, confirm: fc.boolean() }),
  fc.record({ op: fc.constant("reject" as const), who, draft: pick }),
  fc.constant({ op: "expire" as const }),
);

describe("drafts: no sequence of commands by any role breaks the approval rules", () => {
  let d: TestDeps;
  let tenantId: string;
  let subjects: string[];
  const roleOf = new Map<string, string>();

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    for (const e of EMAILS) {
      const a = await actorByEmail(d.db, tenantId, e);
      roleOf.set(a.userId, a.role);
    }
    const { deals, invoices } = await d.db.tenantTx(tenantId, async (tx) => ({
      deals: await listDeals(tx, clock.now(), { status: "open" }),
      invoices: await openInvoices(tx),
    }));
    subjects = [
      "Acme Logistics",
      ...deals.slice(0, 4).map((x) => x.name),
      ...invoices.slice(0, 3).map((x) => x.number),
      "Fjord Seafood",
    ];
  }, 240_000);
  afterAll(() => d.cleanup());

  async function run(cmds: Cmd[]): Promise<void> {
    for (const c of cmds) {
      try {
        if (c.op === "expire") {
          clock.advance((d.config.app.draftExpiryHours + 1) * 3_600_000);
          await expireDueDrafts(d, tenantId);
          continue;
        }
        const actor = await actorByEmail(d.db, tenantId, EMAILS[c.who]!);
        if (c.op === "create") {
          const s = subjects[c.subject % subjects.length]!;
          await createDraft(d, actor, c.insist ? `${s} anyway` : s, target);
          continue;
        }
        const all = await d.db.tenantTx(tenantId, (tx) => tx.select({ id: drafts.id }).from(drafts));
        if (all.length === 0) continue;
        const ref = all[c.draft % all.length]!.id;
        if (c.op === "edit") await editDraft(d, actor, ref, "Hello, a short reminder about our open item.");
        else if (c.op === "approve") await approveDraft(d, actor, ref, { confirm: c.confirm });
        else await rejectDraft(d, actor, ref, "no");
      } catch (err) {
        // Refusals are AppErrors (forbidden, not found): the expected answer to a wrong person.
        if (!(err instanceof Error) || !("code" in err)) throw err;
      }
      clock.advance(60_000);
    }
  }

  async function checkLedger(): Promise<void> {
    const rows = await d.db.tenantTx(tenantId, async (tx) => ({
      drafts: await tx.select().from(drafts),
      events: await tx.select().from(draftEvents).orderBy(draftEvents.n),
      outbox: await tx.select().from(outbox),
    }));
    for (const dr of rows.drafts) {
      const sends = rows.outbox.filter((o) => o.draftId === dr.id);
      expect(sends.length, `draft #${dr.seq} enqueued ${sends.length} times`).toBeLessThanOrEqual(1);
      const ev = rows.events.filter((e) => e.draftId === dr.id);
      const approved = ev.filter((e) => e.event === "approved");
      expect(approved.length).toBeLessThanOrEqual(1);
      if (sends.length) {
        expect(approved, `draft #${dr.seq} sent without an approval`).toHaveLength(1);
        const by = approved[0]!.actorUserId!;
        expect(roleOf.get(by)).not.toBe("viewer");
        const amountMinor = Number((dr.policy as Record<string, unknown>)?.amountMinor ?? 0);
        if (dr.createdBy && amountMinor / 100 > 10_000)
          expect(by, `draft #${dr.seq} (${amountMinor / 100}) approved by its creator`).not.toBe(
            dr.createdBy,
          );
      }
      const closedAt = ev.findIndex((e) => e.event === "rejected" || e.event === "expired");
      if (closedAt >= 0) {
        expect(ev.slice(closedAt + 1).some((e) => e.event === "approved")).toBe(false);
        expect(sends.length === 0 || approved[0]!.n < ev[closedAt]!.n).toBe(true);
      }
      if (dr.status === "rejected" || dr.status === "expired") expect(sends).toHaveLength(0);
    }
  }

  it("holds over random command sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 3, maxLength: 10 }), async (cmds) => {
        await run(cmds);
        await checkLedger();
      }),
      { numRuns: 12, seed: 20261202 },
    );
    // The sequences did exercise sends, rejections and expiry (a property over nothing proves nothing).
    const counts = await d.db.tenantTx(tenantId, async (tx) => ({
      sent: (await tx.select().from(outbox)).length,
      rejected: (await tx.select().from(drafts).where(eq(drafts.status, "rejected"))).length,
      expired: (await tx.select().from(drafts).where(eq(drafts.status, "expired"))).length,
    }));
    expect(counts.sent).toBeGreaterThan(0);
    expect(counts.rejected + counts.expired).toBeGreaterThan(0);
  }, 600_000);
});
