import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../../src/core/features/api/index.js";
import { createCompany } from "../../../src/core/features/company/index.js";
import { importCsv } from "../../../src/core/features/import/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call } from "../../support/api-client.js";
import { askAs } from "../../support/ask.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * "What has been paid of each invoice" is decided once (issue #11). The ask answers, the REST
 * invoice list and the status the import writes must all read it the same way, for a partly paid,
 * a fully paid, an overpaid, a refunded (payment reversed after it settled) and a void invoice.
 */
const TODAY = "2026-11-20";
const clock = fixedClock(`${TODAY}T12:00:00Z`);
const OWNER = "ria@ledger.example";
const COMPANY = { company: "Ledger & Sons", slug: "ledger", currency: "USD", timezone: "UTC", owner: OWNER };

interface ApiInvoice {
  number: string;
  customer: string;
  issued_on: string;
  due_on: string;
  amount: string;
  paid_amount: string;
  open_balance: string;
  status: string;
}

let d: TestDeps;
let tenantId: string;
let invoices: ApiInvoice[];
const cents = (decimal: string) => Math.round(Number(decimal) * 100);

const ask = (text: string): Promise<Reply> => askAs(d, tenantId, OWNER, text);

const imported = async (kind: "invoices" | "payments", csv: string) => {
  const r = await importCsv(d, tenantId, kind, csv);
  expect(r.messages).toEqual([]);
  expect(r.ok).toBe(true);
};

beforeAll(async () => {
  d = await createTestDeps({}, { clock });
  tenantId = (await createCompany(d, COMPANY)).tenant.id;
  await imported(
    "invoices",
    "number,customer,issued_on,due_on,amount,status\n" +
      "L-1,Alder Works,2026-10-01,2026-10-31,1000.00,open\n" + // partly paid, overdue
      "L-2,Elm Bakery,2026-10-05,2026-11-04,500.00,open\n" + // fully paid
      "L-3,Dune Studio,2026-10-10,2026-11-09,300.00,open\n" + // overpaid
      "L-4,Birch Clinic,2026-11-10,2026-12-10,900.00,open\n" + // refunded after it settled, not yet due
      "L-5,Cedar Farm,2026-10-12,2026-11-11,700.00,void\n", // void, with a payment on it
  );
  await imported(
    "payments",
    "external_id,invoice_number,paid_on,amount,overpayment\n" +
      "p-1,L-1,2026-11-01,400.00,\n" +
      "p-2,L-2,2026-11-02,500.00,\n" +
      "p-3,L-3,2026-11-03,350.00,yes\n" +
      "p-4,L-4,2026-11-12,900.00,\n" +
      "p-5,L-5,2026-10-20,100.00,\n",
  );
  // The refund: Stripe-style, the payment of L-4 is reversed down to what was kept.
  await imported("payments", "external_id,invoice_number,paid_on,amount\np-4,L-4,2026-11-12,250.00\n");

  const finance = (await createApiToken(d, tenantId, { email: OWNER, scopes: ["invoices:read"] })).token;
  const res = await call(createHttpApp(d), "GET", "/api/v1/invoices?limit=50", { token: finance });
  expect(res.status).toBe(200);
  invoices = res.body.data;
});
afterAll(() => d?.cleanup());

/** Open money per invoice as the REST list shows it; only open invoices are receivables. */
const receivables = () =>
  invoices
    .filter((i) => i.status === "open" && cents(i.open_balance) > 0)
    .map((i) => ({ ...i, open: cents(i.open_balance) }));
const total = (xs: { open: number }[]) => xs.reduce((n, x) => n + x.open, 0);

describe("what has been paid of each invoice: asks, REST list and import status agree", () => {
  it("the import's status follows the payments the REST list shows", () => {
    const rows = invoices.map((i) => [i.number, i.paid_amount, i.open_balance, i.status]);
    expect(rows.sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual([
      ["L-1", "400.00", "600.00", "open"],
      ["L-2", "500.00", "0.00", "paid"],
      ["L-3", "350.00", "0.00", "paid"],
      ["L-4", "250.00", "650.00", "open"],
      ["L-5", "100.00", "600.00", "void"],
    ]);
    for (const i of invoices)
      expect(i.status).toBe(
        i.status === "void" ? "void" : cents(i.paid_amount) >= cents(i.amount) ? "paid" : "open",
      );
  });

  it("the import's balance check allows a payment up to the REST list's open balance, not a cent more", async () => {
    for (const i of receivables()) {
      const pay = (minor: number) =>
        importCsv(
          d,
          tenantId,
          "payments",
          `invoice_number,paid_on,amount\n${i.number},${TODAY},${(minor / 100).toFixed(2)}\n`,
          { dryRun: true },
        );
      expect((await pay(i.open)).ok).toBe(true);
      const over = await pay(i.open + 1);
      expect(over.ok).toBe(false);
      expect(over.messages.join("\n")).toContain(
        `at most the open balance ${i.open_balance} of invoice ${i.number}`,
      );
    }
  });

  it("'who owes us the most' and 'how much are we owed' read what the REST list leaves open", async () => {
    const open = receivables();
    expect(open.map((i) => i.number).sort()).toEqual(["L-1", "L-4"]);
    const ranked = open.map((i) => ({ label: i.customer, value: i.open })).sort((a, b) => b.value - a.value);
    expect((await ask("who owes us the most")).meta?.rows).toEqual(ranked.slice(0, 1));
    expect((await ask("how much are we owed")).meta?.figure).toBe(total(open));
  });

  it("'overdue' is the open money of the REST list's invoices past due", async () => {
    const reply = await ask("how much is overdue");
    const late = receivables().filter((i) => i.due_on < TODAY);
    expect(late.map((i) => i.number)).toEqual(["L-1"]);
    expect(reply.meta?.figure).toBe(total(late));
  });

  it("'DSO' divides the REST list's open money by what was invoiced in its period", async () => {
    const reply = await ask("what is our DSO");
    const period = reply.sources
      ?.map((s) => s.detail)
      .join(" ")
      .match(/period (\S+) to (\S+) \(exclusive\)/);
    expect(period).not.toBeNull();
    const [, from, to] = period!;
    const days = (Date.parse(to!) - Date.parse(from!)) / 86_400_000;
    const invoiced = invoices
      .filter((i) => i.status !== "void" && i.issued_on >= from! && i.issued_on < to!)
      .reduce((n, i) => n + cents(i.amount), 0);
    expect(invoiced).toBe(270_000);
    expect(reply.meta?.figure).toBe(Math.round((total(receivables()) / invoiced) * days * 10) / 10);
  });
});
