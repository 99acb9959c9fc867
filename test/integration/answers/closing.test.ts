import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, createCompany } from "../../../src/core/features/company/index.js";
import { importCsv } from "../../../src/core/features/import/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { askAs } from "../../support/ask.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * "Which deals are closing this month?" — the forecast call's question: open deals whose expected
 * close date falls in the period, the whole period (not "to date"), a month named ahead being the
 * coming one. Never the deals won (none yet this month) — that answered a different question.
 */
describe("deals expected to close", () => {
  let d: TestDeps;
  let tenantId: string;
  const ask = async (text: string, who = "anna@harbor.example") => (await askAs(d, tenantId, who, text)).text;

  beforeAll(async () => {
    d = await createTestDeps({}, { clock: fixedClock("2026-12-03T10:00:00Z") });
    tenantId = (
      await createCompany(d, {
        company: "Harbor Tools",
        slug: "harbor-close",
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
      "name,company,stage,value,owner_email,expected_close_on\n" +
        "Kiel retrofit,Kiel Werft,Qualified,12500,anna@harbor.example,2026-12-19\n" +
        "Bremen crane,Bremen Port,Proposal,8400,jo@harbor.example,2026-12-29\n" +
        "Hamburg forklifts,Hamburg Logistik,Lead,3200,,2027-01-12\n" +
        "Lübeck racks,Lübeck Lager,Lead,900,,\n",
    );
    expect(r.ok).toBe(true);
  });
  afterAll(() => d.cleanup());

  it("this month: both December deals, later this month included, with their dates", async () => {
    for (const q of [
      "which deals are closing this month?",
      "deals closing this month",
      "what will close this month",
    ]) {
      const text = await ask(q);
      expect(text, q).toMatch(/^Deals expected to close — December 2026\n/);
      expect(text, q).toContain("Kiel retrofit");
      expect(text, q).toContain("expected to close 2026-12-19");
      expect(text, q).toContain("expected to close 2026-12-29");
      expect(text, q).not.toMatch(/Hamburg|Lübeck/);
    }
  });

  it("a month named ahead is the coming one; the amount and the count", async () => {
    expect(await ask("which deals are expected to close in january?")).toMatch(
      /^Deals expected to close — January 2027\n1\. Hamburg forklifts/,
    );
    expect(await ask("how much pipeline is expected to close this month?")).toMatch(
      /^Open pipeline expected to close — December 2026: €20,900/,
    );
    expect(await ask("how many deals are expected to close this month?")).toMatch(
      /^Deals expected to close — December 2026: 2\b/,
    );
  });

  it("a rep sees only their own deals closing", async () => {
    const text = await ask("my deals closing this month", "jo@harbor.example");
    expect(text).toContain("Bremen");
    expect(text).not.toContain("Kiel");
  });
});
