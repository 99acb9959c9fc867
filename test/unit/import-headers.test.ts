import { describe, expect, it } from "vitest";
import { foldHeader, planHeader } from "../../src/core/features/import/headers.js";

const DEALS = [
  "external_id",
  "name",
  "company",
  "pipeline",
  "stage",
  "value",
  "currency",
  "owner_email",
  "status",
  "stage_entered_on",
  "expected_close_on",
  "next_step",
  "payment_terms_days",
];
const INVOICES = [
  "external_id",
  "number",
  "customer",
  "issued_on",
  "due_on",
  "amount",
  "currency",
  "status",
  "paid_on",
  "paid_amount",
];
const CONTACTS = ["external_id", "name", "company", "email", "phone"];

describe("import headers as other tools export them", () => {
  it.each([
    ["Deal - Title", "deal_title"],
    ["  Expected Close Date ", "expected_close_date"],
    ["Fällig am", "fällig_am"],
    ["\uFEFFname", "name"],
    ["E-Mail", "e_mail"],
    ["owner.email", "owner_email"],
  ])("%j folds to %j", (h, want) => {
    expect(foldHeader(h)).toBe(want);
  });

  it.each([
    // [kind, header, fields]
    [
      "deals",
      ["Deal Name", "Amount", "Deal Stage", "Close Date"],
      ["name", "value", "stage", "expected_close_on"],
    ], // HubSpot
    ["deals", ["Opportunity Name", "Account Name", "Stage", "Amount"], ["name", "company", "stage", "value"]], // Salesforce
    [
      "deals",
      ["Titel", "Firma", "Phase", "Wert", "Währung"],
      ["name", "company", "stage", "value", "currency"],
    ],
    ["deals", ["Nombre", "Empresa", "Etapa", "Importe"], ["name", "company", "stage", "value"]],
    [
      "invoices",
      ["Invoice Number", "Client", "Invoice Date", "Due Date", "Total"],
      ["number", "customer", "issued_on", "due_on", "amount"],
    ],
    [
      "invoices",
      ["Número", "Cliente", "Fecha", "Vencimiento", "Importe"],
      ["number", "customer", "issued_on", "due_on", "amount"],
    ],
    [
      "contacts",
      ["Person - Name", "Person - Email", "Person - Phone", "Organization"],
      ["name", "email", "phone", "company"],
    ],
    ["contacts", ["Full Name", "E-Mail", "Telefon", "Firma"], ["name", "email", "phone", "company"]],
  ] as const)("%s %j → %j", (kind, header, fields) => {
    const known = kind === "deals" ? DEALS : kind === "invoices" ? INVOICES : CONTACTS;
    const plan = planHeader(kind, header, known);
    expect(plan.problems).toEqual([]);
    expect(plan.fieldOf).toEqual(fields);
  });

  it("near-misses of a Keel column are problems (their values would be lost), other names are left out", () => {
    const plan = planHeader("deals", ["name", "valeu", "stgae", "Lead Source", "Probability"], DEALS);
    expect(plan.problems).toEqual([
      { column: "valeu", expected: "a known column — did you mean value?" },
      { column: "stgae", expected: "a known column — did you mean stage?" },
    ]);
    expect(plan.ignored).toEqual(["Lead Source", "Probability"]);
  });

  it("a bare 'Owner' (a person's name in exports) is not taken for owner_email", () => {
    const plan = planHeader("deals", ["Title", "Owner", "Owner Email"], DEALS);
    expect(plan.fieldOf).toEqual(["name", null, "owner_email"]);
    expect(plan.ignored).toEqual(["Owner"]);
  });

  it("two columns for one field are refused", () => {
    expect(planHeader("deals", ["name", "title"], DEALS).problems).toEqual([
      { column: "title", expected: "one column for name (name already is)" },
    ]);
  });

  it("the REST API (strict) takes only Keel's own names", () => {
    const plan = planHeader("deals", ["name", "title", "stage"], DEALS, true);
    expect(plan.fieldOf).toEqual(["name", null, "stage"]);
    expect(plan.problems[0]).toMatchObject({
      column: "title",
      expected: expect.stringMatching(/^a known column \(/),
    });
  });

  it("hostile header text stays a name: nothing is evaluated or matched by pattern", () => {
    const plan = planHeader("deals", ["name", '=HYPERLINK("http://x")', "__proto__", "constructor"], DEALS);
    expect(plan.fieldOf).toEqual(["name", null, null, null]);
    expect(plan.problems).toEqual([]);
  });
});
