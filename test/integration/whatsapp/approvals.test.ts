import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureIdentityUser } from "../../../src/core/features/tenancy/index.js";
import { deals, drafts, memberships, users } from "../../../src/core/infra/db/schema/index.js";
import { createScheduler, draftExpiryJob } from "../../../src/jobs/index.js";
import { buttonReply, type CloudHarness, cloudHarness, text } from "./cloud-harness.js";

/**
 * Approvals through the WhatsApp Cloud API with Meta's real webhook shapes (text messages and
 * `interactive.button_reply`), under the default approval policy (four eyes above $10,000): the same
 * approval use case as Slack and the console, so the same refusals and exactly-once sends.
 */
const OWNER = "+15550000001";
const MANAGER = "+15550000002";
const REP = "+15550000003";
const VIEWER = "+15550000009";

type Sent = {
  type: string;
  to: string;
  text?: { body: string };
  interactive?: { body: { text: string }; action: { buttons: { reply: { id: string; title: string } }[] } };
};

let h: CloudHarness;
const sent = () => h.graph.messages() as unknown as Sent[];
const bodyOf = (m: Sent) => m.text?.body ?? m.interactive?.body.text ?? "";
const lastTo = (phone: string) =>
  sent()
    .filter((m) => m.to === phone.slice(1))
    .at(-1);
const buttonsOf = (m: Sent | undefined) =>
  Object.fromEntries((m?.interactive?.action.buttons ?? []).map((b) => [b.reply.title, b.reply.id]));

async function openDeal(company: string) {
  const [d] = await h.d.db.tenantTx(h.tenantId, (tx) =>
    tx
      .select()
      .from(deals)
      .where(and(eq(deals.company, company), eq(deals.status, "open")))
      .limit(1),
  );
  return d!;
}
/** Open deals with their owner's e-mail, biggest first; `used` keeps each test on its own deal. */
const used = new Set<string>();
async function pickDeal(pred: (d: { valueMinor: number; ownerEmail: string | null }) => boolean) {
  const rows = await h.d.db.tenantTx(h.tenantId, (tx) =>
    tx
      .select({ id: deals.id, name: deals.name, valueMinor: deals.valueMinor, ownerEmail: users.email })
      .from(deals)
      .leftJoin(users, eq(users.id, deals.ownerUserId))
      .where(eq(deals.status, "open")),
  );
  const d = rows
    .sort((a, b) => a.name.localeCompare(b.name))
    .find((r) => !used.has(r.id) && pred({ valueMinor: Number(r.valueMinor), ownerEmail: r.ownerEmail }));
  expect(d).toBeDefined();
  used.add(d!.id);
  return d!;
}
let repDraftDeal: string;
async function draftAbout(dealId: string) {
  const [d] = await h.d.db.tenantTx(h.tenantId, (tx) =>
    tx.select().from(drafts).where(eq(drafts.subjectId, dealId)),
  );
  return d!;
}
/** How many messages carried the draft's text to its recipient. */
const draftSends = (body: string) => sent().filter((m) => bodyOf(m).includes(body.split("\n")[0]!)).length;

/** `remind …` from `phone`: the offer message and the draft number. */
async function remind(phone: string, what: string) {
  await h.post(text(phone, `remind ${what}`));
  const offer = lastTo(phone)!;
  const seq = bodyOf(offer).match(/#(\d+)/)?.[1];
  return { offer, seq, buttons: buttonsOf(offer) };
}

beforeAll(async () => {
  h = await cloudHarness();
  // The demo viewer gets a WhatsApp number like any other user.
  const [viewer] = await h.d.db.tenantTx(h.tenantId, (tx) =>
    tx
      .select({ id: users.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(memberships.role, "viewer")),
  );
  expect(viewer).toBeDefined();
  await ensureIdentityUser(h.d.db, h.tenantId, "whatsapp", VIEWER, {
    name: "Vic Viewer",
    email: "viewer@demo.example",
  });
});
afterAll(() => h.close());
beforeEach(() => h.graph.reset());

describe("WhatsApp approvals: four eyes, roles, exactly once, expiry", () => {
  it("the creator above the threshold is offered no Approve; `approve N` (any spelling) is refused with the reason", async () => {
    const deal = await openDeal("Lumen Optics");
    used.add(deal.id);
    expect(deal.valueMinor).toBeGreaterThan(1_000_000);
    const r = await remind(MANAGER, "Lumen Optics");
    expect(r.seq).toBeDefined();
    expect(Object.keys(r.buttons)).toEqual(["Edit", "Reject"]);
    const draft = await draftAbout(deal.id);
    h.graph.reset();
    await h.post(text(MANAGER, `approve ${r.seq}`));
    expect(bodyOf(lastTo(MANAGER)!)).toMatch(
      /can't approve draft #\d+: Four eyes: drafts over \$?10,000 need someone other than their author/,
    );
    await h.post(text(MANAGER, `aprove ${r.seq}`)); // misspelt
    await h.post(text(MANAGER, `APPROVE #${r.seq}`));
    expect(draftSends(draft.body)).toBe(0);
    expect((await draftAbout(deal.id)).status).toBe("drafted");
  });

  it("the owner approves that draft they did not create: sent once; a second `approve N` says already and sends nothing", async () => {
    const deal = await openDeal("Lumen Optics");
    const draft = await draftAbout(deal.id);
    await h.post(text(OWNER, `approve ${draft.seq}`));
    expect(bodyOf(lastTo(OWNER)!)).toMatch(new RegExp(`Approved draft #${draft.seq}`));
    await h.post(text(OWNER, `approve ${draft.seq}`));
    expect(bodyOf(lastTo(OWNER)!)).toMatch(/already/i);
    expect(draftSends(draft.body)).toBe(1);
    expect((await draftAbout(deal.id)).status).toBe("sent");
  });

  it("button double tap on the owner's own small draft (below four eyes): one send", async () => {
    const deal = await pickDeal((d) => d.valueMinor < 1_000_000);
    const r = await remind(OWNER, deal.name);
    expect(Object.keys(r.buttons)).toEqual(["Approve", "Edit", "Reject"]);
    const draft = await draftAbout(deal.id);
    h.graph.reset();
    await Promise.all([
      h.post(buttonReply(OWNER, r.buttons.Approve!, "Approve")),
      h.post(buttonReply(OWNER, r.buttons.Approve!, "Approve")),
    ]);
    await h.post(buttonReply(OWNER, r.buttons.Approve!, "Approve"));
    expect(draftSends(draft.body)).toBe(1);
  });

  it("a rep cannot approve another person's deal: refused with the reason, nothing sent", async () => {
    const deal = await pickDeal((d) => d.ownerEmail !== "sam@demo.example");
    repDraftDeal = deal.id;
    const r = await remind(MANAGER, deal.name);
    expect(r.seq).toBeDefined();
    const draft = await draftAbout(deal.id);
    h.graph.reset(); // the offer to the manager quoted the draft
    await h.post(text(REP, `approve ${r.seq}`));
    const answer = bodyOf(lastTo(REP)!);
    expect(answer).toMatch(/A rep can approve only drafts about their own deals/);
    expect(draftSends(draft.body)).toBe(0);
  });

  it("a viewer is offered no actions and `approve N` / `1` are refused", async () => {
    const draft = await draftAbout(repDraftDeal);
    await h.post(text(VIEWER, "drafts"));
    const listing = lastTo(VIEWER)!;
    expect(listing.type).toBe("text");
    expect(Object.keys(buttonsOf(listing))).toEqual([]);
    expect(bodyOf(listing)).not.toMatch(/Reply \*1\* to approve/);
    await h.post(text(VIEWER, `approve ${draft.seq}`));
    expect(bodyOf(lastTo(VIEWER)!)).toMatch(/viewer|not allowed|cannot|permission/i);
    await h.post(text(VIEWER, "1"));
    expect(bodyOf(lastTo(VIEWER)!)).toMatch(/no list to choose from|not one I offered/i);
    await h.post(text(VIEWER, "remind Acme Logistics"));
    expect(bodyOf(lastTo(VIEWER)!)).not.toMatch(/Approve/);
    expect(draftSends(draft.body)).toBe(0);
  });

  it("after the expiry job, `approve N` answers expired and sends nothing", async () => {
    const deal = { id: repDraftDeal };
    const draft = await draftAbout(deal.id);
    // The owner's own offer for the draft: numbered and as buttons.
    await h.post(text(OWNER, "drafts"));
    await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx
        .update(drafts)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(drafts.id, draft.id)),
    );
    expect(
      (await createScheduler(h.d, [draftExpiryJob], { timers: false }).fire(draftExpiryJob.name)).status,
    ).toBe("succeeded");
    expect((await draftAbout(deal.id)).status).toBe("expired");
    h.graph.reset();
    await h.post(text(OWNER, `approve ${draft.seq}`));
    expect(bodyOf(lastTo(OWNER)!)).toMatch(/expired/i);
    expect(draftSends(draft.body)).toBe(0);
  });
});
