import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDeals } from "../../src/core/features/deals/index.js";
import { actorByEmail, requireTenant } from "../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../src/core/intents/dispatcher.js";
import type { Intent } from "../../src/core/intents/intent.js";
import { parseText } from "../../src/core/intents/parse.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { registry } from "../../src/core/registry.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("demo company", () => {
  let d: TestDeps;
  const clock = fixedClock("2026-11-02T09:00:00Z");
  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
  });
  afterAll(() => d.cleanup());

  it("loads a realistic company once; a second load changes nothing", async () => {
    const first = await loadDemo(d);
    expect(first.created).toBe(true);
    expect(first.counts!.deals).toBeGreaterThanOrEqual(40);
    const second = await loadDemo(d);
    expect(second.created).toBe(false);
    const tenant = await requireTenant(d.db, "demo");
    const open = await d.db.tenantTx(tenant.id, (tx) => listDeals(tx, clock.now()));
    expect(open.length).toBeGreaterThanOrEqual(40);
    const acme = open.find((x) => x.name === "Acme Logistics");
    expect(acme?.stuck).toBe(true);
    expect(open.filter((x) => x.stuck).length).toBeGreaterThan(3);
    const owner = await actorByEmail(d.db, tenant.id, "owner@demo.example");
    expect(owner.role).toBe("owner");
  });

  it("is deterministic: same seed and day give the same pipeline", async () => {
    const other = await createTestDeps({}, { clock });
    try {
      await loadDemo(other);
      const t1 = await requireTenant(d.db, "demo");
      const t2 = await requireTenant(other.db, "demo");
      const a = await d.db.tenantTx(t1.id, (tx) => listDeals(tx, clock.now()));
      const b = await other.db.tenantTx(t2.id, (tx) => listDeals(tx, clock.now()));
      expect(b.map((x) => [x.name, x.valueMinor, x.stageName])).toEqual(
        a.map((x) => [x.name, x.valueMinor, x.stageName]),
      );
    } finally {
      await other.cleanup();
    }
  });

  it("answers deals, deal, overdue invoices through the dispatcher; the second tenant sees only its own", async () => {
    const dispatcher = createDispatcher(d, registry);
    const ask = async (slug: string, email: string, text: string) => {
      const t = await requireTenant(d.db, slug);
      const a = await actorByEmail(d.db, t.id, email);
      const intent = {
        ...parseText(text),
        origin: { tenantId: t.id, userId: a.userId, channel: "console", conversationId: "c" },
        idempotencyKey: randomUUID(),
      } as Intent;
      return dispatcher.dispatch(intent);
    };
    const deals = await ask("demo", "owner@demo.example", "deals");
    expect(deals.sections?.[0]?.text).toContain("Acme Logistics");
    const acme = await ask("demo", "owner@demo.example", "deal Acme Logistics");
    expect(acme.text).toContain("stuck");
    expect(acme.meta?.missing).toContain("PO attached");
    const overdue = await ask("demo", "finance@demo.example", "invoices overdue");
    expect(Number(overdue.meta?.count)).toBeGreaterThan(0);
    const repOverdue = await ask("demo", "sam@demo.example", "invoices overdue");
    expect(repOverdue.text).toMatch(/does not allow/);
    const harbor = await ask("demo-b", "owner@harbor.example", "deals");
    expect(harbor.meta?.count).toBe(3);
    expect(JSON.stringify(harbor)).not.toContain("Acme");
    const cross = await ask("demo-b", "owner@harbor.example", "deal Acme Logistics");
    expect(cross.text).toMatch(/found no deal/);
  });

  it("a retried intent (same idempotency key) is handled once and gets the same reply", async () => {
    const dispatcher = createDispatcher(d, registry);
    const t = await requireTenant(d.db, "demo");
    const a = await actorByEmail(d.db, t.id, "owner@demo.example");
    const intent = {
      kind: "draft.create",
      query: "Acme Logistics",
      origin: { tenantId: t.id, userId: a.userId, channel: "console", conversationId: "c" },
      idempotencyKey: "retry-1",
    } as Intent;
    const [r1, r2] = [await dispatcher.dispatch(intent), await dispatcher.dispatch(intent)];
    expect(r2.meta?.draftId).toBe(r1.meta?.draftId);
  });
});
