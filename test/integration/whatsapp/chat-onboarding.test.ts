import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFUSAL_TEXT } from "../../../src/bots/whatsapp/inbound.js";
import { actorForIdentity, tenantForChannel } from "../../../src/core/features/tenancy/index.js";
import { deals, setupConversations, tenants } from "../../../src/core/infra/db/schema/index.js";
import { type CloudHarness, cloudHarness, inbound, text } from "./cloud-harness.js";

/** What Keel sent to a number, newest last: text bodies and interactive bodies with their buttons. */
function sentTo(h: CloudHarness, number: string): { text: string; buttons: string[] }[] {
  const digits = number.replace(/\D/g, "");
  return h.graph
    .messages()
    .filter((m) => m.to === digits)
    .map((m) => {
      const t = m.text as { body?: string } | undefined;
      const i = m.interactive as
        | { body?: { text?: string }; action?: { buttons?: { reply: { title: string } }[] } }
        | undefined;
      return {
        text: t?.body ?? i?.body?.text ?? "",
        buttons: (i?.action?.buttons ?? []).map((b) => b.reply.title),
      };
    });
}
const last = (h: CloudHarness, number: string) => sentTo(h, number).at(-1)!;

let mediaSeq = 0;
/** A Cloud API `document` message (what WhatsApp sends for an attached file). */
function documentMessage(
  h: CloudHarness,
  from: string,
  fileName: string,
  mimeType: string,
  bytes: string | Buffer,
) {
  const id = `media-${++mediaSeq}${Date.now()}`;
  h.graph.addMedia(id, bytes, mimeType);
  return inbound(from, {
    type: "document",
    document: { caption: "", filename: fileName, mime_type: mimeType, sha256: "f".repeat(64), id },
  });
}

const STRANGER = "+4915112345678";

describe("an unknown WhatsApp number, self-service set-up off (the default)", () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await cloudHarness();
  });
  afterAll(async () => h?.close());

  it("gets the refusal and nothing else: no set-up, no tenant, no data", async () => {
    const tenantsBefore = (await h.d.db.orm.select().from(tenants)).length;
    await h.post(text(STRANGER, "Hi! I'd like to set up my company on Keel"));
    await h.post(text(STRANGER, "deals"));
    const got = sentTo(h, STRANGER);
    expect(got.map((g) => g.text)).toEqual([REFUSAL_TEXT]);
    expect(await h.d.db.orm.select().from(setupConversations)).toHaveLength(0);
    expect((await h.d.db.orm.select().from(tenants)).length).toBe(tenantsBefore);
  });
});

describe("an unknown WhatsApp number on an operator-enabled number (WHATSAPP_SELF_SETUP=true)", () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await cloudHarness({ WHATSAPP_SELF_SETUP: "true" });
  });
  afterAll(async () => h?.close());

  it("is walked through the set-up in casual Spanish-English, typos re-asked", async () => {
    await h.post(text(STRANGER, "hola"));
    expect(last(h, STRANGER).text).toContain("What is your company called?");
    await h.post(text(STRANGER, "Bäckerei Sonne *best* bakery"));
    expect(last(h, STRANGER).text).toContain("currency");
    await h.post(text(STRANGER, "euros"));
    expect(last(h, STRANGER).text).toContain("Did you mean EUR?");
    await h.post(text(STRANGER, "sí"));
    expect(last(h, STRANGER).text).toContain("Amounts in EUR");
    await h.post(text(STRANGER, "CET"));
    expect(last(h, STRANGER).text).toContain("abbreviation");
    await h.post(text(STRANGER, "Madrid"));
    expect(last(h, STRANGER).text).toContain("Europe/Madrid");
    await h.post(text(STRANGER, "3"));
    expect(last(h, STRANGER).text).toContain("e-mail");
    await h.post(text(STRANGER, "maria@sonne"));
    expect(last(h, STRANGER).text).toContain("does not look like an e-mail");
    await h.post(text(STRANGER, "maria@sonne.example"));
    expect(last(h, STRANGER).text).toContain("is set up");
  });

  it("the number now owns a new company and talks to it, not to the business number's tenant", async () => {
    const tenantId = await tenantForChannel(h.d.db, "whatsapp-contact", STRANGER);
    expect(tenantId).not.toBeNull();
    expect(tenantId).not.toBe(h.tenantId);
    const [t] = await h.d.db.orm.select().from(tenants).where(eq(tenants.id, tenantId!));
    expect(t).toMatchObject({
      name: "Bäckerei Sonne best bakery",
      currency: "EUR",
      timezone: "Europe/Madrid",
    });
    expect(await actorForIdentity(h.d.db, tenantId!, "whatsapp", STRANGER)).toMatchObject({
      role: "owner",
      email: "maria@sonne.example",
    });
    expect(await actorForIdentity(h.d.db, h.tenantId, "whatsapp", STRANGER)).toBeUndefined();
    await h.post(text(STRANGER, "deals"));
    expect(last(h, STRANGER).text).not.toContain("Acme Logistics");
    expect(last(h, STRANGER).text).not.toContain("What is your company called?");
  });

  it("another stranger can stop midway (“stopp”) and nothing is created", async () => {
    const other = "+447700900123";
    const before = (await h.d.db.orm.select().from(tenants)).length;
    await h.post(text(other, "hello"));
    await h.post(text(other, "Tiny Shop"));
    await h.post(text(other, "stopp"));
    expect(last(h, other).text).toContain("cancelled");
    expect((await h.d.db.orm.select().from(tenants)).length).toBe(before);
    expect(await h.d.db.orm.select().from(setupConversations)).toHaveLength(0);
  });
});

describe("files sent on WhatsApp", () => {
  let h: CloudHarness;
  const OWNER = "+15550000001";
  const REP = "+15550000003";
  beforeAll(async () => {
    h = await cloudHarness();
  });
  afterAll(async () => h?.close());

  it("an owner's CSV document → preview with Import / Cancel → “1” imports it once", async () => {
    const csv = "name,stage,value,company\nSol Bakery Ovens,Qualified,4200000,Sol Bakery\n";
    await h.post(documentMessage(h, OWNER, "deals.csv", "text/csv", csv));
    const preview = last(h, OWNER);
    expect(preview.text).toContain("looks like");
    expect(preview.text).toMatch(/1 row: \*1\* new/);
    expect(preview.buttons).toEqual(["Import", "Cancel"]);
    // The media was fetched through Graph with the access token (the fake refuses anything else).
    expect(h.graph.calls.some((c) => c.method === "GET" && c.path.startsWith("/lookaside/"))).toBe(true);
    const count = async () =>
      (await h.d.db.tenantTx(h.tenantId, (tx) => tx.select().from(deals))).filter(
        (d) => d.name === "Sol Bakery Ovens",
      ).length;
    expect(await count()).toBe(0);
    await h.post(text(OWNER, "1"));
    expect(last(h, OWNER).text).toContain("Imported");
    expect(await count()).toBe(1);
    await h.post(text(OWNER, "1"));
    // The menu went with the import: a second "1" finds nothing to choose (and imports nothing).
    expect(last(h, OWNER).text).toMatch(
      /already imported|no list to choose from|expired or is not one I offered/,
    );
    expect(await count()).toBe(1);
    const before = sentTo(h, OWNER).length;
    await h.post(text(OWNER, "deal Sol Bakery"));
    // A long deal card arrives as its text then the buttons ("Choose an option:"): read the whole reply.
    const reply = sentTo(h, OWNER)
      .slice(before)
      .map((m) => m.text)
      .join("\n");
    expect(reply).toContain("Sol Bakery Ovens");
  });

  it("a broken CSV lists its errors by line; a rep's CSV is refused; a PDF gets a friendly note", async () => {
    await h.post(
      documentMessage(
        h,
        OWNER,
        "invoices.csv",
        "text/csv",
        [
          "number,customer,issued_on,due_on,amount",
          "INV-9001,Acme Logistics,2026-05-10,2026-05-01,100",
          "INV-9002,Acme Logistics,2026-02-30,2026-03-30,-5",
        ].join("\n"),
      ),
    );
    const broken = last(h, OWNER).text;
    expect(broken).toContain("nothing imported");
    expect(broken).toMatch(/line 2, due_on/);
    expect(broken).toMatch(/line 3, issued_on/);
    expect(broken).toMatch(/line 3, amount/);
    await h.post(documentMessage(h, REP, "deals.csv", "text/csv", "name,stage,value\nX,Lead,1\n"));
    expect(last(h, REP).text).toContain("Importing files is for owners and finance people");
    await h.post(documentMessage(h, OWNER, "offer.pdf", "application/pdf", "%PDF-1.7 ..."));
    expect(last(h, OWNER).text).toContain("I can read CSV files for import");
  });
});
