import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsv } from "../../src/core/features/import/index.js";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { deals, invoices, metricPoints, payments } from "../../src/core/infra/db/schema/index.js";
import { parseCsv } from "../../src/core/kernel/csv/index.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("CSV import", () => {
  let d: TestDeps;
  let tenantId: string;
  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo-b")).id;
  });
  afterAll(() => d.cleanup());

  it("parses quoted fields, embedded newlines and CRLF with line numbers", () => {
    const t = parseCsv('a,b\r\n"x, y","multi\nline"\r\n1,"say ""hi"""\n');
    expect(t.header).toEqual(["a", "b"]);
    expect(t.records).toEqual([
      { line: 2, fields: { a: "x, y", b: "multi\nline" }, cells: 2 },
      { line: 4, fields: { a: "1", b: 'say "hi"' }, cells: 2 },
    ]);
  });

  it("imports deals and updates them on re-import (idempotent)", async () => {
    const csv =
      "name,company,stage,value,owner_email\nBig Order,Quay Café,Negotiation,12500.50,owner@harbor.example\n";
    expect(await importCsv(d, tenantId, "deals", csv)).toMatchObject({ ok: true, inserted: 1, updated: 0 });
    expect(await importCsv(d, tenantId, "deals", csv.replace("12500.50", "13000"))).toMatchObject({
      ok: true,
      inserted: 0,
      updated: 1,
    });
    const rows = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(deals).where(eq(deals.name, "Big Order")),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.valueMinor).toBe(1_300_000);
  });

  it("names the line and field of every bad row and writes nothing", async () => {
    const csv = "name,stage,value\nGood,Negotiation,100\nBad,Negotiation,12x\n,Lead,5\n";
    const r = await importCsv(d, tenantId, "deals", csv);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(['line 3, value: an amount like 1250.00 (got "12x")', "line 4, name: required"]);
    const rows = await d.db.tenantTx(tenantId, (tx) => tx.select().from(deals).where(eq(deals.name, "Good")));
    expect(rows).toHaveLength(0);
  });

  it("rolls back when a row refers to an unknown stage", async () => {
    const r = await importCsv(d, tenantId, "deals", "name,stage,value\nOk One,Lead,1\nNope,Dreaming,2\n");
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/unknown stage "Dreaming"/);
    expect(
      await d.db.tenantTx(tenantId, (tx) => tx.select().from(deals).where(eq(deals.name, "Ok One"))),
    ).toHaveLength(0);
  });

  it("imports invoices with payments and metrics with upserts", async () => {
    const inv =
      "number,customer,issued_on,due_on,amount,paid_on\nH-1,Quay Café,2026-01-01,2026-01-31,100.00,2026-02-03\nH-2,Quay Café,2026-02-01,2026-03-03,50,\n";
    expect(await importCsv(d, tenantId, "invoices", inv)).toMatchObject({ ok: true, inserted: 2 });
    const [h1] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(invoices).where(eq(invoices.number, "H-1")),
    );
    expect(h1!.status).toBe("paid");
    expect(
      await d.db.tenantTx(tenantId, (tx) => tx.select().from(payments).where(eq(payments.invoiceId, h1!.id))),
    ).toHaveLength(1);
    const met =
      "metric,date,value\nfootfall,2026-01-01,120\nfootfall,2026-01-02,130\nfootfall,2026-01-02,135\n";
    expect(await importCsv(d, tenantId, "metrics", met)).toMatchObject({ ok: true });
    const pts = await d.db.tenantTx(tenantId, (tx) => tx.select().from(metricPoints));
    expect(pts.map((p) => p.value).sort()).toEqual([120, 135]);
  });

  it("reports missing columns and empty files", async () => {
    expect((await importCsv(d, tenantId, "metrics", "date,value\n")).errors[0]).toMatch(
      /missing column\(s\) metric/,
    );
    expect((await importCsv(d, tenantId, "metrics", "metric,date,value\n")).errors).toEqual([
      "the file has a header but no rows",
    ]);
  });
});
