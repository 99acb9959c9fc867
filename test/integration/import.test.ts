import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, createCompany } from "../../src/core/features/company/index.js";
import { importCsv } from "../../src/core/features/import/index.js";
import {
  contacts,
  dealNotes,
  dealStageHistory,
  deals,
  invoices,
  metricPoints,
  payments,
  tenants,
} from "../../src/core/infra/db/schema/index.js";
import { parseCsv } from "../../src/core/kernel/csv/index.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("lossless CSV imports", () => {
  let d: TestDeps;
  let t: string;
  let other: string;
  const q = <T>(fn: (tx: Parameters<Parameters<TestDeps["db"]["tenantTx"]>[1]>[0]) => Promise<T>) =>
    d.db.tenantTx(t, fn);
  const deal = async (name: string) =>
    (await q((tx) => tx.select().from(deals).where(eq(deals.name, name))))[0]!;

  beforeAll(async () => {
    d = await createTestDeps();
    t = (
      await createCompany(d, {
        company: "Quay",
        slug: "quay",
        currency: "EUR",
        timezone: "Europe/Lisbon",
        owner: "ana@quay.example",
      })
    ).tenant.id;
    other = (
      await createCompany(d, {
        company: "Other",
        slug: "other",
        currency: "USD",
        timezone: "UTC",
        owner: "o@other.example",
      })
    ).tenant.id;
    await addUser(d, t, { email: "rep@quay.example", role: "rep" });
  });
  afterAll(() => d.cleanup());

  it("parses quoted fields, embedded newlines and CRLF with the line each record starts on", () => {
    const table = parseCsv('a,b\r\n"x, y","multi\nline"\r\n1,"say ""hi"""\n');
    expect(table.header).toEqual(["a", "b"]);
    expect(table.records).toEqual([
      { line: 2, fields: { a: "x, y", b: "multi\nline" }, cells: 2 },
      { line: 4, fields: { a: "1", b: 'say "hi"' }, cells: 2 },
    ]);
  });

  const full =
    "name,company,stage,value,owner_email,next_step,expected_close_on,stage_entered_on\n" +
    "Big Order,Quay Café,Negotiation,12500.50,rep@quay.example,Send contract,2026-09-30,2026-01-05\n" +
    "Small Order,Tay Ltd,Lead,900,,,,\n";

  it("imports deals in the company's currency, with stage history", async () => {
    const r = await importCsv(d, t, "deals", full);
    expect(r).toMatchObject({ ok: true, created: 2, updated: 0, unchanged: 0 });
    const big = await deal("Big Order");
    expect(big).toMatchObject({
      valueMinor: 1_250_050,
      currency: "EUR",
      nextStep: "Send contract",
      expectedCloseOn: "2026-09-30",
    });
    expect(big.stageEnteredAt.toISOString()).toBe("2026-01-05T00:00:00.000Z");
    const hist = await q((tx) =>
      tx.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, big.id)),
    );
    expect(hist).toHaveLength(1);
  });

  it("the same file twice changes nothing", async () => {
    const r = await importCsv(d, t, "deals", full);
    expect(r).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 2, fields: {} });
  });

  it("a re-import without the optional columns leaves them (and days in stage) untouched", async () => {
    const r = await importCsv(d, t, "deals", "name,value\nBig Order,13000\n");
    expect(r).toMatchObject({ ok: true, updated: 1, fields: { value: 1 } });
    const big = await deal("Big Order");
    expect(big).toMatchObject({
      valueMinor: 1_300_000,
      nextStep: "Send contract",
      expectedCloseOn: "2026-09-30",
    });
    expect(big.stageEnteredAt.toISOString()).toBe("2026-01-05T00:00:00.000Z");
  });

  it("an empty cell in an optional column clears it; in a required one it keeps the value", async () => {
    await importCsv(d, t, "deals", "name,next_step,value\nBig Order,,\n");
    expect(await deal("Big Order")).toMatchObject({ nextStep: null, valueMinor: 1_300_000 });
    await importCsv(d, t, "deals", "name,next_step\nBig Order,Send contract\n");
  });

  it("a stage change closes the old history row and opens a new one", async () => {
    const r = await importCsv(d, t, "deals", "name,stage\nBig Order,Order Received\n");
    expect(r.fields).toEqual({ stage: 1 });
    const big = await deal("Big Order");
    const hist = await q((tx) =>
      tx.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, big.id)),
    );
    expect(hist).toHaveLength(2);
    expect(hist.filter((h) => h.leftAt === null).map((h) => h.stageId)).toEqual([big.stageId]);
    expect(big.stageEnteredAt.getTime()).toBeGreaterThan(new Date("2026-01-05").getTime());
  });

  it("--dry-run counts new / updated / unchanged per field and writes nothing", async () => {
    const r = await importCsv(
      d,
      t,
      "deals",
      "name,stage,value,next_step\nBig Order,Order Received,14000,Send contract\nSmall Order,Qualified,900,\nNew One,Lead,10,\n",
      { dryRun: true },
    );
    expect(r).toMatchObject({
      ok: true,
      dryRun: true,
      created: 1,
      updated: 2,
      unchanged: 0,
      fields: { value: 1, stage: 1 },
    });
    expect((await deal("Big Order")).valueMinor).toBe(1_300_000);
    expect(await q((tx) => tx.select().from(deals).where(eq(deals.name, "New One")))).toHaveLength(0);
  });

  it("reports every problem of every row in one pass, and writes nothing", async () => {
    const csv =
      "name,stage,value,currency,owner_email,expected_close_on\n" +
      "Good,Lead,100,EUR,,\n" +
      "Neg Co,Lead,-500,EUR,,\n" +
      "Bad Both,Dreaming,12x,EUR,,\n" +
      ",Lead,5,EUR,,\n" +
      "Who,Lead,5,EURO,ghost@quay.example,2026-13-01\n" +
      "Feb,Lead,5,EUR,,2026-02-30\n";
    const r = await importCsv(d, t, "deals", csv);
    expect(r.ok).toBe(false);
    expect(r.messages).toEqual([
      'line 3, value "-500": expected an amount of 0 or more (no negative amounts)',
      'line 4, value "12x": expected an amount like 1250.00 or 1.250,00 (at most 2 decimals, no currency sign)',
      expect.stringMatching(/^line 4, stage "Dreaming": expected a stage of this pipeline \(Lead, Qualified/),
      "line 5, name: expected a value (required for a new deal)",
      'line 6, currency "EURO": expected an ISO 4217 currency code like USD or EUR',
      'line 6, expected_close_on "2026-13-01": expected a real date like 2026-01-31 (or 31.01.2026)',
      'line 6, owner_email "ghost@quay.example": expected a user of this company (see keel users list)',
      'line 7, expected_close_on "2026-02-30": expected a real date like 2026-01-31 (or 31.01.2026)',
    ]);
    expect(await q((tx) => tx.select().from(deals).where(eq(deals.name, "Good")))).toHaveLength(0);
  });

  it("unknown or missing columns, empty files and broken quoting are clear errors", async () => {
    expect((await importCsv(d, t, "deals", "name,vlaue\nX,1\n")).messages[0]).toMatch(
      /^line 1, vlaue: expected a known column — did you mean value\?/,
    );
    expect((await importCsv(d, t, "metrics", "date,value\n2026-01-01,1\n")).messages).toEqual([
      "line 1, metric: expected this column in the header",
    ]);
    expect((await importCsv(d, t, "metrics", "metric,date,value\n")).messages).toEqual([
      "line 2, file: expected at least one row under the header",
    ]);
    await expect(importCsv(d, t, "deals", 'name,stage,value\n"Open quote,Lead,1\n')).rejects.toMatchObject({
      code: "bad_input",
    });
    expect((await importCsv(d, t, "deals", "name,stage,value\nA,Lead,1,extra\n")).messages[0]).toMatch(
      /line 2, row "4 cells": expected at most 3 cells/,
    );
  });

  it("matches by external_id first and adopts a name-matched deal that had none", async () => {
    await importCsv(d, t, "deals", "external_id,name\nPD-7,Small Order\n");
    expect((await deal("Small Order")).externalId).toBe("PD-7");
    const r = await importCsv(d, t, "deals", "external_id,name,value\nPD-7,Small Order (renamed),950\n");
    expect(r).toMatchObject({ ok: true, created: 0, updated: 1, fields: { name: 1, value: 1 } });
    expect((await deal("Small Order (renamed)")).valueMinor).toBe(95_000);
  });

  it("hostile text is stored as text, and another company's deal of the same name is never touched", async () => {
    const r = await importCsv(
      d,
      other,
      "deals",
      'name,stage,value\nBig Order,Lead,1\n"\'); drop table deals;--",Lead,2\n=HYPERLINK("x"),Lead,3\n',
    );
    expect(r).toMatchObject({ ok: true, created: 3 });
    expect((await deal("Big Order")).valueMinor).toBe(1_300_000);
  });

  describe("invoices and payments", () => {
    it("checks due ≥ issued, amounts and dates; imports with paid_on as a payment", async () => {
      const bad = await importCsv(
        d,
        t,
        "invoices",
        "number,customer,issued_on,due_on,amount\nQ-1,Quay,2026-03-01,2026-02-01,100\nQ-2,Quay,2026-03-01,2026-03-31,-5\nQ-3,Quay,2026-13-01,2026-03-31,5\n",
      );
      expect(bad.messages).toEqual([
        'line 2, due_on "2026-02-01": expected a due date on or after the issue date 2026-03-01',
        'line 3, amount "-5": expected an amount of 0 or more (no negative amounts)',
        'line 4, issued_on "2026-13-01": expected a real date like 2026-01-31 (or 31.01.2026)',
      ]);
      const inv =
        "number,customer,issued_on,due_on,amount,paid_on\nQ-1,Quay,2026-01-01,2026-01-31,100.00,2026-02-03\nQ-2,Quay,2026-02-01,2026-03-03,50,\n";
      expect(await importCsv(d, t, "invoices", inv)).toMatchObject({ ok: true, created: 2 });
      expect(await importCsv(d, t, "invoices", inv)).toMatchObject({
        ok: true,
        created: 0,
        updated: 0,
        unchanged: 2,
      });
      const [q1] = await q((tx) => tx.select().from(invoices).where(eq(invoices.number, "Q-1")));
      expect(q1).toMatchObject({ status: "paid", currency: "EUR" });
      expect(await q((tx) => tx.select().from(payments).where(eq(payments.invoiceId, q1!.id)))).toHaveLength(
        1,
      );
    });

    it("a due date moved before the stored issue date is refused", async () => {
      const r = await importCsv(d, t, "invoices", "number,due_on\nQ-2,2026-01-15\n");
      expect(r.messages).toEqual([
        'line 2, due_on "2026-01-15": expected a due date on or after the issue date 2026-02-01',
      ]);
    });

    it("a payment over the open balance is refused unless marked as overpayment", async () => {
      const over = await importCsv(
        d,
        t,
        "payments",
        "invoice_number,paid_on,amount\nQ-2,2026-03-01,30\nQ-2,2026-03-02,30\nQ-9,2026-03-02,1\n",
      );
      expect(over.messages).toEqual([
        'line 3, amount "30": expected at most the open balance 20.00 of invoice Q-2 (or overpayment=yes)',
        'line 4, invoice_number "Q-9": expected the number of an invoice of this company (import invoices first)',
      ]);
      const ok = await importCsv(
        d,
        t,
        "payments",
        "invoice_number,paid_on,amount,overpayment\nQ-2,2026-03-01,30,\nQ-2,2026-03-02,30,yes\n",
      );
      expect(ok).toMatchObject({ ok: true, created: 2 });
      expect(
        await importCsv(d, t, "payments", "invoice_number,paid_on,amount\nQ-2,2026-03-01,30\n"),
      ).toMatchObject({ ok: true, unchanged: 1 });
      const [q2] = await q((tx) => tx.select().from(invoices).where(eq(invoices.number, "Q-2")));
      expect(q2!.status).toBe("paid");
    });
  });

  it("metrics upsert by (metric, date) and report unchanged points", async () => {
    const met =
      "metric,date,value\nfootfall,2026-01-01,120\nfootfall,2026-01-02,130\nfootfall,2026-01-02,135\n";
    expect(await importCsv(d, t, "metrics", met)).toMatchObject({ ok: true, created: 2, updated: 1 });
    expect(
      await importCsv(
        d,
        t,
        "metrics",
        "metric,date,value\nfootfall,2026-01-01,120\nfootfall,2026-01-02,135\n",
      ),
    ).toMatchObject({ unchanged: 2 });
    const pts = await q((tx) => tx.select().from(metricPoints));
    expect(pts.map((p) => p.value).sort()).toEqual([120, 135]);
    const bad = await importCsv(
      d,
      t,
      "metrics",
      "metric,date,value\nrevenue,2026-13-01,100\nRevenue!,2026-01-01,1e999\n",
    );
    expect(bad.messages).toEqual([
      'line 2, date "2026-13-01": expected a real date like 2026-01-31 (or 31.01.2026)',
      'line 3, metric "Revenue!": expected a key like website_sessions (lowercase letters, digits, _)',
      'line 3, value "1e999": expected a number like 1250 or -3.5',
    ]);
  });

  it("contacts and notes upsert by their keys", async () => {
    expect(
      await importCsv(d, t, "contacts", "external_id,name,email\nC1,Rui Costa,RUI@quay.example\n"),
    ).toMatchObject({ created: 1 });
    expect(await importCsv(d, t, "contacts", "external_id,name,email\nC1,Rui Costa,\n")).toMatchObject({
      updated: 1,
      fields: { email: 1 },
    });
    const [c] = await q((tx) => tx.select().from(contacts).where(eq(contacts.externalId, "C1")));
    expect(c!.email).toBeNull();
    const notes =
      "deal,body,author_email\nBig Order,Called; they want a discount,ana@quay.example\nNope,x,\n";
    expect((await importCsv(d, t, "notes", notes)).messages).toEqual([
      'line 3, deal "Nope": expected a deal of this company',
    ]);
    const good = notes.split("\n").slice(0, 2).join("\n");
    expect(await importCsv(d, t, "notes", good)).toMatchObject({ created: 1 });
    expect(await importCsv(d, t, "notes", good)).toMatchObject({ created: 0, unchanged: 1 });
    expect(await q((tx) => tx.select().from(dealNotes))).toHaveLength(1);
  });

  it("a German bookkeeper's export: grouped amounts and day-first dates read right, 3.200 only once the decimal mark is known", async () => {
    const german =
      "name,company,stage,value,expected_close_on\n" +
      'Kiel retrofit,Kiel Werft,Lead,"12.500,00",15.01.2027\n' +
      'Bremen crane,Bremen Port,Lead,"8400,50",2027-02-01\n' +
      "Hamburg forklifts,Hamburg Logistik,Lead,3.200,\n";
    const unknown = await importCsv(d, t, "deals", german);
    expect(unknown.ok).toBe(false);
    expect(unknown.messages).toEqual([
      expect.stringMatching(
        /^line 4, value "3\.200": expected an unambiguous amount: .*--decimal comma\|dot/,
      ),
    ]);
    expect(await q((tx) => tx.select().from(deals).where(eq(deals.name, "Kiel retrofit")))).toEqual([]);

    const r = await importCsv(d, t, "deals", german, { decimal: "," });
    expect(r).toMatchObject({ ok: true, created: 3 });
    expect((await deal("Kiel retrofit")).valueMinor).toBe(1_250_000);
    expect((await deal("Kiel retrofit")).expectedCloseOn).toBe("2027-01-15");
    expect((await deal("Bremen crane")).valueMinor).toBe(840_050);
    expect((await deal("Hamburg forklifts")).valueMinor).toBe(320_000);

    // The company's locale decides when the command does not: de-DE reads 4.100 as four thousand one hundred.
    await d.db.orm
      .update(tenants)
      .set({ settings: { locale: "de-DE" } })
      .where(eq(tenants.id, t));
    const again = await importCsv(d, t, "deals", "name,value\nHamburg forklifts,4.100\n");
    expect(again).toMatchObject({ ok: true, updated: 1 });
    expect((await deal("Hamburg forklifts")).valueMinor).toBe(410_000);
    // …and a file that contradicts it is refused rather than read a thousand times off.
    const english = await importCsv(d, t, "deals", 'name,value\nHamburg forklifts,"4,100.00"\n');
    expect(english.ok).toBe(false);
    expect((await deal("Hamburg forklifts")).valueMinor).toBe(410_000);
    await d.db.orm.update(tenants).set({ settings: {} }).where(eq(tenants.id, t));
  });

  it("a semicolon export from a German Excel: cells with decimal commas stay whole, ja/nein read as yes/no", async () => {
    const invoicesCsv =
      "\uFEFFnumber;customer;issued_on;due_on;amount\r\n" +
      "RE-7;Kieler Werft;01.11.2026;01.12.2026;2.400,00\r\n" +
      "RE-8;Lübecker Hafen;05.11.2026;05.12.2026;99,90\r\n";
    const r = await importCsv(d, t, "invoices", invoicesCsv);
    expect(r.messages).toEqual([]);
    const rows = await q((tx) => tx.select().from(invoices));
    expect(rows.find((i) => i.number === "RE-7")).toMatchObject({
      amountMinor: 240_000,
      issuedOn: "2026-11-01",
      customer: "Kieler Werft",
    });
    expect(rows.find((i) => i.number === "RE-8")?.amountMinor).toBe(9_990);
    const pay = await importCsv(
      d,
      t,
      "payments",
      "invoice_number;paid_on;amount;overpayment\nRE-8;10.11.2026;99,90;nein\n",
    );
    expect(pay.messages).toEqual([]);
    const more = await importCsv(
      d,
      t,
      "payments",
      "invoice_number;paid_on;amount;overpayment\nRE-8;11.11.2026;5,00;vielleicht\n",
    );
    expect(more.messages).toEqual(['line 2, overpayment "vielleicht": expected yes or no']);
  });

  it("a CRM export as it comes (Pipedrive-style headers, extra columns): read under Keel's names, the rest left out and listed", async () => {
    const pipedrive =
      "Deal - ID,Deal - Title,Deal - Organization,Deal - Value,Deal - Currency,Deal - Stage,Deal - Owner,Deal - Expected close date,Deal - Label,Deal - Lost reason,Deal - Weighted value\n" +
      "901,Ferry refit,Fjord Lines,45000,EUR,Proposal Sent,Ana Ruiz,2027-03-01,hot,,13500\n" +
      "902,Dock lighting,Porto Marina,7200,EUR,Lead,Ana Ruiz,2027-04-15,,,720\n";
    const r = await importCsv(d, t, "deals", pipedrive);
    expect(r.messages).toEqual([]);
    expect(r).toMatchObject({ ok: true, created: 2 });
    expect(r.renamed).toEqual(
      expect.arrayContaining([
        { column: "deal - id", field: "external_id" },
        { column: "deal - title", field: "name" },
        { column: "deal - organization", field: "company" },
        { column: "deal - value", field: "value" },
        { column: "deal - expected close date", field: "expected_close_on" },
      ]),
    );
    // "Owner" holds a name, Keel wants an e-mail: left out rather than every row refused.
    expect(r.ignored).toEqual([
      "deal - owner",
      "deal - label",
      "deal - lost reason",
      "deal - weighted value",
    ]);
    expect(await deal("Ferry refit")).toMatchObject({
      externalId: "901",
      company: "Fjord Lines",
      valueMinor: 4_500_000,
      expectedCloseOn: "2027-03-01",
    });
    // Two columns for one field is a question for the person, not a guess.
    const twice = await importCsv(d, t, "deals", "Title,Deal Name,Stage,Value\nA,B,Lead,1\n");
    expect(twice.messages).toEqual(["line 1, deal name: expected one column for name (title already is)"]);
  });

  it("an accounting export in German: Rechnungsnummer, Kunde, Rechnungsdatum, Fällig am, Betrag", async () => {
    const csv =
      "Rechnungsnummer;Kunde;Rechnungsdatum;Fällig am;Betrag;Steuer;Notiz\n" +
      "RE-9001;Kieler Werft;02.11.2026;02.12.2026;1.190,00;190,00;Teillieferung\n";
    const r = await importCsv(d, t, "invoices", csv);
    expect(r.messages).toEqual([]);
    expect(r.ignored).toEqual(["steuer", "notiz"]);
    const [inv] = await q((tx) => tx.select().from(invoices).where(eq(invoices.number, "RE-9001")));
    expect(inv).toMatchObject({
      customer: "Kieler Werft",
      issuedOn: "2026-11-02",
      dueOn: "2026-12-02",
      amountMinor: 119_000,
    });
  });
});
