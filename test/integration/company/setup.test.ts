import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  applyPipeline,
  createCompany,
  linkIdentity,
  listUsers,
  type PipelineFile,
  parsePipelineFile,
  pipelineWithCounts,
  removeUser,
  renderPipelineFile,
  setUserRole,
} from "../../../src/core/features/company/index.js";
import { actorForIdentity, defaultActor, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { dealStageHistory, deals, stages, tenants } from "../../../src/core/infra/db/schema/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const base = {
  company: "Acme Trading GmbH",
  slug: "acme",
  currency: "eur",
  timezone: "Europe/Berlin",
  owner: "Jane.Doe@Acme.example",
};

function file(yaml: string): PipelineFile {
  const p = parsePipelineFile(yaml);
  if (!p.ok) throw new Error(p.errors.join("; "));
  return p.file;
}

describe("setting up a company", () => {
  let d: TestDeps;
  let acmeId: string;
  beforeAll(async () => {
    d = await createTestDeps();
    acmeId = (await createCompany(d, { ...base, pipeline: "simple" })).tenant.id;
  });
  afterAll(() => d.cleanup());

  it("creates the tenant, its owner and the template's pipeline", async () => {
    const t = await requireTenant(d.db, "acme");
    expect(t).toMatchObject({ name: "Acme Trading GmbH", currency: "EUR", timezone: "Europe/Berlin" });
    const owner = await defaultActor(d.db, t.id);
    expect(owner).toMatchObject({ email: "jane.doe@acme.example", name: "Jane Doe", role: "owner" });
    const p = await pipelineWithCounts(d, t.id);
    expect(p!.stages.map((s) => s.name)).toEqual([
      "Lead",
      "Qualified",
      "Proposal",
      "Negotiation",
      "Won",
      "Lost",
    ]);
    expect(p!.stages[1]).toMatchObject({
      probability: 0.3,
      cycleDays: 14,
      stuckAfterDays: 30,
      checklist: ["need confirmed"],
    });
  });

  it("the b2b template has order, delivery and invoice stages", async () => {
    const { tenant } = await createCompany(d, { ...base, slug: "b2b-co", pipeline: "b2b-sales" });
    const names = (await pipelineWithCounts(d, tenant.id))!.stages.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["Order Received", "Production/Supplying", "Awaiting GR", "Invoiced"]),
    );
  });

  it("refuses a taken slug without touching that company", async () => {
    await expect(createCompany(d, { ...base, company: "Impostor" })).rejects.toMatchObject({
      code: "conflict",
    });
    expect((await requireTenant(d.db, "acme")).name).toBe("Acme Trading GmbH");
  });

  it.each([
    [{ slug: "Acme Co" }, /slug: 2–40 lowercase/],
    [{ slug: "a" }, /slug/],
    [{ currency: "EURO" }, /currency: an ISO 4217/],
    [{ currency: "XYZ" }, /currency/],
    [{ timezone: "Mars/Olympus" }, /timezone: an IANA/],
    [{ owner: "jane at acme" }, /owner: the owner's e-mail/],
    [{ pipeline: "crm-from-2009" }, /pipeline: one of: b2b-sales, services, simple/],
    [{ company: "   " }, /company: the company's name is required/],
    [{ slug: "x'; drop table tenants;--" }, /slug/],
    [{ locale: "german" }, /locale: a locale like en-US/],
    [{ locale: "de_DE" }, /locale/],
    [{ locale: "en-US'; drop" }, /locale/],
  ])("rejects bad input %o with a message saying what is expected", async (bad, msg) => {
    const before = (await d.db.orm.select().from(tenants)).length;
    await expect(createCompany(d, { ...base, slug: "fresh", ...bad })).rejects.toMatchObject({
      code: "bad_input",
      userMessage: expect.stringMatching(msg),
    });
    expect(await d.db.orm.select().from(tenants)).toHaveLength(before);
  });

  it("keeps the company's locale (how its numbers are written) in its settings", async () => {
    const { tenant } = await createCompany(d, { ...base, slug: "kiel", locale: "de-de" });
    expect(tenant.settings).toEqual({ locale: "de-DE" });
    const { tenant: plain } = await createCompany(d, { ...base, slug: "plain-co" });
    expect(plain.settings).toEqual({});
  });

  it("reports every bad field at once", async () => {
    const e = await createCompany(d, { company: "", slug: "", currency: "", timezone: "", owner: "" }).catch(
      (x) => x,
    );
    expect(e.userMessage.match(/^ {2}- /gm)).toHaveLength(5);
  });

  describe("pipeline files", () => {
    const dealIn = async (name: string, stageName: string) => {
      return d.db.tenantTx(acmeId, async (tx) => {
        const [s] = await tx.select().from(stages).where(eq(stages.name, stageName));
        const [deal] = await tx
          .insert(deals)
          .values({
            tenantId: acmeId,
            pipelineId: s!.pipelineId,
            stageId: s!.id,
            name,
            valueMinor: 1000,
            stageEnteredAt: new Date("2026-01-01"),
          })
          .returning();
        await tx
          .insert(dealStageHistory)
          .values({ tenantId: acmeId, dealId: deal!.id, stageId: s!.id, enteredAt: new Date("2026-01-01") });
        return deal!;
      });
    };

    it("show → apply unchanged changes nothing", async () => {
      const p = (await pipelineWithCounts(d, acmeId))!;
      const r = await applyPipeline(d, acmeId, file(renderPipelineFile(p.name, p.stages)));
      expect(r).toMatchObject({ ok: true, created: [], renamed: [], updated: [], removed: [] });
      expect(r.unchanged).toHaveLength(6);
    });

    it("renames in place: the deal keeps its stage id, days in stage and history", async () => {
      const deal = await dealIn("Renamed Deal", "Proposal");
      const p = (await pipelineWithCounts(d, acmeId))!;
      const yaml = renderPipelineFile(p.name, p.stages).replace(
        "name: Proposal\n",
        "name: Proposal Sent\n    renamed_from: Proposal\n",
      );
      const r = await applyPipeline(d, acmeId, file(yaml));
      expect(r.renamed).toEqual([{ from: "Proposal", to: "Proposal Sent" }]);
      const [after] = await d.db.tenantTx(acmeId, (tx) =>
        tx.select().from(deals).where(eq(deals.id, deal.id)),
      );
      expect(after!.stageId).toBe(deal.stageId);
      expect(after!.stageEnteredAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");
      const hist = await d.db.tenantTx(acmeId, (tx) =>
        tx.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, deal.id)),
      );
      expect(hist).toHaveLength(1);
    });

    it("a stage left out without a target is refused, naming its deals; nothing changes", async () => {
      const r = await applyPipeline(
        d,
        acmeId,
        file("stages:\n  - {name: Lead, probability: 0.1}\n  - {name: Won, probability: 1, type: won}\n"),
      );
      expect(r.ok).toBe(false);
      expect(r.errors).toContain(
        'stages: "Proposal Sent" (1 deal) is missing; keep it, rename it with renamed_from, or list it under remove with move_to',
      );
      expect((await pipelineWithCounts(d, acmeId))!.stages).toHaveLength(6);
    });

    it("removal moves deals to the target stage and records it in stage history", async () => {
      const p = (await pipelineWithCounts(d, acmeId))!;
      const kept = p.stages.filter((s) => s.name !== "Proposal Sent");
      const yaml = `${renderPipelineFile(p.name, kept)}remove:\n  - stage: proposal sent\n    move_to: Negotiation\n`;
      const dry = await applyPipeline(d, acmeId, file(yaml), { dryRun: true });
      expect(dry.removed).toEqual([{ stage: "Proposal Sent", movedTo: "Negotiation", deals: 1 }]);
      expect((await pipelineWithCounts(d, acmeId))!.stages).toHaveLength(6);
      const r = await applyPipeline(d, acmeId, file(yaml));
      expect(r.ok).toBe(true);
      const [deal] = await d.db.tenantTx(acmeId, (tx) =>
        tx.select().from(deals).where(eq(deals.name, "Renamed Deal")),
      );
      const neg = (await pipelineWithCounts(d, acmeId))!.stages.find((s) => s.name === "Negotiation")!;
      expect(neg.deals).toBe(1);
      const hist = await d.db.tenantTx(acmeId, (tx) =>
        tx.select().from(dealStageHistory).where(eq(dealStageHistory.dealId, deal!.id)),
      );
      expect(hist).toHaveLength(2);
      expect(hist.filter((h) => h.leftAt === null)).toHaveLength(1);
      expect(hist.every((h) => h.stageId === deal!.stageId)).toBe(true);
    });

    it("adds a stage, changes rules and reorders", async () => {
      const yaml = `pipeline: Sales
stages:
  - {name: Lead, probability: 10%, cycle_days: 7}
  - {name: Demo, probability: 0.2, checklist: [demo booked]}
  - {name: Qualified, probability: 0.3, checklist: [need confirmed]}
  - {name: Negotiation, probability: 0.7}
  - {name: Won, probability: 1, stuck_after_days: 9999, cycle_days: 0, type: won}
  - {name: Lost, probability: 0, stuck_after_days: 9999, cycle_days: 0, type: lost}
`;
      const r = await applyPipeline(d, acmeId, file(yaml));
      // Stages after the new one moved down a position: that is an update too.
      expect(r).toMatchObject({
        ok: true,
        created: ["Demo"],
        updated: ["Lead", "Qualified", "Negotiation", "Won", "Lost"],
      });
      const list = (await pipelineWithCounts(d, acmeId))!.stages;
      expect(list.map((s) => s.name)).toEqual(["Lead", "Demo", "Qualified", "Negotiation", "Won", "Lost"]);
      expect(list[0]).toMatchObject({ probability: 0.1, cycleDays: 7 });
    });

    it.each([
      ["stages: [{name: A, probability: 2}, {name: B, probability: 1}]", /stages.0.probability: at most 1/],
      ["stages: [{name: A, probability: 0.1}, {name: a, probability: 1}]", /"a" is listed twice/],
      [
        "stages: [{name: A, probability: 0.1, stuck_afterdays: 3}, {name: B, probability: 1}]",
        /Unrecognized key/,
      ],
      [
        "stages: [{name: A, probability: 0.1, type: won}, {name: B, probability: 1, type: won}]",
        /only one stage may be of type won/,
      ],
      ["stages: [{name: A, probability: 0.1}]", /at least two stages/],
      ["{{{", /not valid YAML/],
      ["stages: [{name: A, probability: -0.5}, {name: B, probability: 1}]", /at least 0/],
    ])("rejects a bad pipeline file: %s", (yaml, msg) => {
      const p = parsePipelineFile(yaml);
      expect(p.ok).toBe(false);
      expect(!p.ok && p.errors.join("\n")).toMatch(msg);
    });

    it("accepts JSON too", () => {
      expect(
        parsePipelineFile(
          '{"stages":[{"name":"A","probability":0.5},{"name":"B","probability":1,"type":"won"}]}',
        ).ok,
      ).toBe(true);
    });

    it("refuses renaming onto an existing name and removal into a missing stage", async () => {
      const r = await applyPipeline(
        d,
        acmeId,
        file(`stages:
  - {name: Lead, probability: 0.1}
  - {name: Demo, probability: 0.2, renamed_from: Qualified}
  - {name: Negotiation, probability: 0.7}
  - {name: Won, probability: 1, type: won}
  - {name: Lost, probability: 0, type: lost}
remove:
  - {stage: Demo, move_to: Nowhere}
`),
      );
      expect(r.ok).toBe(false);
      expect(r.errors.join("\n")).toMatch(/cannot rename "Qualified" to "Demo"/);
      expect(r.errors.join("\n")).toMatch(/"Nowhere", which is not among the stages/);
    });
  });

  describe("users", () => {
    it("adds people with roles, refuses a duplicate and unknown roles", async () => {
      await addUser(d, acmeId, { email: "Sam@Acme.example", role: "rep" });
      await addUser(d, acmeId, { email: "fin@acme.example", role: "FINANCE", name: "Fiona" });
      await expect(addUser(d, acmeId, { email: "sam@acme.example", role: "viewer" })).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(addUser(d, acmeId, { email: "x@acme.example", role: "admin" })).rejects.toMatchObject({
        userMessage: expect.stringMatching(/Unknown role "admin"/),
      });
      await expect(addUser(d, acmeId, { email: "not-an-email", role: "rep" })).rejects.toMatchObject({
        code: "bad_input",
      });
      const list = await listUsers(d, acmeId);
      expect(list.map((u) => [u.email, u.role])).toEqual([
        ["fin@acme.example", "finance"],
        ["jane.doe@acme.example", "owner"],
        ["sam@acme.example", "rep"],
      ]);
    });

    it("links Slack and WhatsApp identities, so messages from them act as that person", async () => {
      await linkIdentity(d, acmeId, "sam@acme.example", "slack", "u0sam1234");
      await linkIdentity(d, acmeId, "sam@acme.example", "whatsapp", "+49 (151) 2345-6789");
      expect(await actorForIdentity(d.db, acmeId, "slack", "U0SAM1234")).toMatchObject({
        email: "sam@acme.example",
        role: "rep",
      });
      expect(await actorForIdentity(d.db, acmeId, "whatsapp", "+4915123456789")).toMatchObject({
        email: "sam@acme.example",
      });
      await expect(linkIdentity(d, acmeId, "fin@acme.example", "slack", "U0SAM1234")).rejects.toMatchObject({
        code: "conflict",
        userMessage: expect.stringMatching(/already linked to sam@acme.example/),
      });
      await expect(linkIdentity(d, acmeId, "fin@acme.example", "whatsapp", "0151 234")).rejects.toMatchObject(
        { code: "bad_input" },
      );
      await expect(linkIdentity(d, acmeId, "fin@acme.example", "telegram", "123")).rejects.toMatchObject({
        code: "bad_input",
      });
    });

    it("the only owner cannot be demoted or removed", async () => {
      await expect(setUserRole(d, acmeId, "jane.doe@acme.example", "viewer")).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(removeUser(d, acmeId, "jane.doe@acme.example")).rejects.toMatchObject({
        code: "conflict",
      });
      expect((await setUserRole(d, acmeId, "fin@acme.example", "owner")).role).toBe("owner");
      expect((await setUserRole(d, acmeId, "jane.doe@acme.example", "manager")).previous).toBe("owner");
    });

    it("removing a person revokes their access and hands their deals on", async () => {
      const sam = (await listUsers(d, acmeId)).find((u) => u.email === "sam@acme.example")!;
      await d.db.tenantTx(acmeId, (tx) => tx.update(deals).set({ ownerUserId: sam.id }));
      const r = await removeUser(d, acmeId, "sam@acme.example", "fin@acme.example");
      expect(r).toMatchObject({ deals: 1, reassignedTo: "fin@acme.example" });
      expect(await actorForIdentity(d.db, acmeId, "slack", "U0SAM1234")).toBeUndefined();
      expect((await listUsers(d, acmeId)).map((u) => u.email)).not.toContain("sam@acme.example");
      await expect(removeUser(d, acmeId, "ghost@acme.example")).rejects.toMatchObject({ code: "not_found" });
    });

    it("one company's people are invisible to another", async () => {
      const other = (await requireTenant(d.db, "b2b-co")).id;
      await expect(setUserRole(d, other, "fin@acme.example", "viewer")).rejects.toMatchObject({
        code: "not_found",
      });
      expect((await listUsers(d, other)).map((u) => u.email)).toEqual(["jane.doe@acme.example"]);
    });
  });
});
