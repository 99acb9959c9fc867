import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, createCompany } from "../../../src/core/features/company/index.js";
import { importCsv } from "../../../src/core/features/import/index.js";
import { askAs } from "../../support/ask.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * A company on its first day: three open deals, nothing won, nothing stuck, no invoices. Questions in
 * the owner's words must say "none" / "no figure yet" — never "I have no data" (the deals are there)
 * and never a bare "—" a person cannot read.
 */
describe("questions to a company on its first day", () => {
  let d: TestDeps;
  let tenantId: string;
  const ask = async (text: string, who = "anna@harbor.example") => (await askAs(d, tenantId, who, text)).text;

  beforeAll(async () => {
    d = await createTestDeps();
    tenantId = (
      await createCompany(d, {
        company: "Harbor Tools",
        slug: "harbor",
        currency: "EUR",
        timezone: "Europe/Berlin",
        owner: "anna@harbor.example",
        pipeline: "simple",
      })
    ).tenant.id;
    await addUser(d, tenantId, { email: "jo@harbor.example", role: "rep" });
    const r = await importCsv(
      d,
      tenantId,
      "deals",
      "name,company,stage,value,owner_email\n" +
        "Kiel retrofit,Kiel Werft,Qualified,12500,anna@harbor.example\n" +
        "Bremen crane,Bremen Port,Proposal,8400,jo@harbor.example\n" +
        "Hamburg forklifts,Hamburg Logistik,Lead,3200,\n",
    );
    expect(r.ok).toBe(true);
    const inv = await importCsv(
      d,
      tenantId,
      "invoices",
      "number,customer,issued_on,due_on,amount\n" +
        'RE-101,Kiel Werft,01.10.2026,31.10.2026,"4.800,00"\n' +
        'RE-102,Bremen Port,15.10.2026,14.11.2026,"1.250,50"\n',
    );
    expect(inv.ok).toBe(true);
  });
  afterAll(() => d.cleanup());

  it.each([
    ["stuck deals?", /none right now/],
    ["any deals stuck", /none right now/],
    ["show me stuck deals", /none right now/],
    ["¿tratos atascados?", /ninguno por ahora/],
    ["welche deals hängen fest?", /derzeit keine/],
  ])("%s → an empty list is 'none', not 'no data'", async (q, want) => {
    const text = await ask(q);
    expect(text).toMatch(want);
    expect(text).not.toMatch(/no data|keine Daten|no tengo datos/);
  });

  it.each([
    ["what's the average deal size", /Average deal size .*: no figure yet — nothing in this period/],
    ["win rate", /Win rate .*: no figure yet/],
    ["whats our sales cycle", /: no figure yet/],
    ["ciclo de ventas", /todavía sin cifra/],
    ["tasa de cierre", /todavía sin cifra/],
    ["durchschnittliche dealgröße", /noch kein Wert/],
  ])("%s → an average over nothing says so in words", async (q, want) => {
    const text = await ask(q);
    expect(text).toMatch(want);
    expect(text).not.toMatch(/: —/);
  });

  it.each([
    ["whats the biggest deal we have", /Kiel retrofit — €12,500/],
    ["wie viele offene deals haben wir?", /3\b/],
    ["my deals", /Bremen crane/],
  ])("%s → the figures that do exist", async (q, want) => {
    expect(await ask(q, q === "my deals" ? "jo@harbor.example" : undefined)).toMatch(want);
  });

  it.each([
    ["who owes us the most", "en"],
    ["wer schuldet uns am meisten?", "de"],
    ["¿quién nos debe más?", "es"],
  ])("%s → the one customer who owes the most (%s)", async (q) => {
    const text = await ask(q);
    expect(text).toMatch(/1\. Kiel Werft — €4,800/);
    expect(text).not.toMatch(/2\. Bremen/);
  });

  it("a rep's empty list is also 'none', and never shows the owner's deals", async () => {
    const text = await ask("my stuck deals", "jo@harbor.example");
    expect(text).toMatch(/none right now/);
    expect(text).not.toContain("Kiel");
  });

  it("'what did the AI cost us?' in the owner's words answers with AI spend, not the business summary", async () => {
    const now = d.clock.now();
    const month = now.toISOString().slice(0, 7);
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    for (const q of [
      "what did the AI cost us this month?",
      "KI-Kosten diesen Monat",
      "cuánto gastamos en IA",
    ])
      expect(await ask(q), q).toMatch(
        new RegExp(`^AI spend in ${month}: \\$0\\.0000 \\(0\\.0% of the \\$\\d+\\.\\d{2} budget\\)`),
      );
    expect(await ask("how much did we spend on the AI last month?")).toMatch(
      new RegExp(`^AI spend in ${last}:`),
    );
    // A rep may not see it, whatever the words.
    expect(await ask("what did the AI cost us?", "jo@harbor.example")).toMatch(/cannot see AI spend/);
  });

  it("'how much cash do we have?' is the latest bank balance, on its day; a rep is refused", async () => {
    const day = (back: number) =>
      new Date(d.clock.now().getTime() - back * 86_400_000).toISOString().slice(0, 10);
    const csv = `metric,date,value,unit\ncash_balance,${day(10)},18000,EUR\ncash_balance,${day(3)},16500.50,EUR\n`;
    expect(await importCsv(d, tenantId, "metrics", csv)).toMatchObject({ ok: true });
    for (const q of ["how much cash do we have?", "what's in the bank", "Kontostand"])
      expect(await ask(q), q).toMatch(
        new RegExp(`^(Cash balance|.+) — (as of ${day(3)}|.*): .*16[.,]501\\b`),
      );
    expect(await ask("how much cash do we have?")).toMatch(new RegExp(`^Cash balance — as of ${day(3)}: `));
    expect(await ask("how much cash do we have?", "jo@harbor.example")).toMatch(/cannot see cash figures/);
  });

  it("'which invoices are overdue?' lists them with their count, in the bookkeeper's words; a rep is refused", async () => {
    for (const q of ["which invoices are overdue?", "how many invoices are overdue", "wer zahlt zu spät?"])
      expect(await ask(q), q).toMatch(/^2 overdue invoices, €6,051 outstanding\./);
    expect(await ask("which invoices are overdue?", "jo@harbor.example")).toMatch(/does not allow/);
  });
});
