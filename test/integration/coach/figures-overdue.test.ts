import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeFigures } from "../../../src/core/features/coach/index.js";
import { overdueInvoices } from "../../../src/core/features/invoices/index.js";
import { findTenantBySlug } from "../../../src/core/features/tenancy/index.js";
import { payments } from "../../../src/core/infra/db/schema/index.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

let d: TestDeps;
let tenantId: string;
beforeAll(async () => {
  d = await createTestDeps();
  await loadDemo(d);
  tenantId = (await findTenantBySlug(d.db, "demo"))!.id;
  // One overdue invoice partly paid, so what was paid of it must be taken off.
  await d.db.tenantTx(tenantId, async (tx) => {
    const [first] = await overdueInvoices(tx, d.clock.now());
    await tx.insert(payments).values({
      tenantId,
      invoiceId: first!.id,
      paidOn: first!.dueOn,
      amountMinor: Math.floor(first!.outstandingMinor / 3),
    });
  });
});
afterAll(async () => d?.cleanup());

describe("what is overdue: the coach's figure and the invoices list agree (one paid-per-invoice rule)", () => {
  it("counts the same overdue invoices and the same outstanding money", async () => {
    const now = d.clock.now();
    const { figures, list } = await d.db.tenantTx(tenantId, async (tx) => ({
      figures: await computeFigures(tx, now, "USD"),
      list: await overdueInvoices(tx, now),
    }));
    expect(list.length).toBeGreaterThan(0);
    expect(list.some((i) => i.paidMinor > 0)).toBe(true);
    expect(figures.overdue).toEqual({
      count: list.length,
      amountMinor: list.reduce((n, i) => n + i.outstandingMinor, 0),
    });
  });
});
