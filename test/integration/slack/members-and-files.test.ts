import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorForIdentity } from "../../../src/core/features/tenancy/index.js";
import {
  deals,
  identities,
  pendingImports,
  tenants,
  users,
} from "../../../src/core/infra/db/schema/index.js";
import { buttons, clickPayload, createHarness, type Harness } from "./harness.js";

/**
 * On the demo workspace (T0DEMO): people nobody added are asked about instead of joining, and CSV
 * files sent in a DM become an import preview with Import / Cancel, executed once.
 */
let h: Harness;
let demoId: string;
beforeAll(async () => {
  h = await createHarness();
  demoId = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo")))[0]!.id;
});
afterAll(async () => h?.close());

let seq = 1_700_200_000;
const nextTs = () => `${++seq}.000100`;

/** Keel's messages in a DM channel (placeholders edited into answers, and posts). */
function said(channel: string): { text: string; blocks?: unknown[] }[] {
  const updates = h.api
    .callsTo("chat.update")
    .filter((c) => c.params.channel === channel)
    .map((c) => ({ text: String(c.params.text), blocks: c.params.blocks as unknown[] | undefined }));
  const posts = h.api.messages
    .filter((m) => m.channel === channel && m.text !== "_thinking…_")
    .map((m) => ({ text: String(m.text), blocks: m.blocks }));
  return [...posts, ...updates];
}
const lastPost = (channel: string) => h.api.messages.filter((m) => m.channel === channel).at(-1);

async function dm(user: string, text: string) {
  await h.event({ type: "message", channel_type: "im", channel: `D${user}`, user, text, ts: nextTs() });
  await h.runtime.idle();
  return h.api
    .callsTo("chat.update")
    .filter((c) => c.params.channel === `D${user}`)
    .at(-1)?.params.text as string | undefined;
}

/** A DM with a file, as Slack sends it (message subtype file_share, files[] with url_private_download). */
async function sendFile(
  user: string,
  file: {
    name: string;
    mimetype: string;
    filetype: string;
    body?: string | Buffer;
    size?: number;
    url?: string;
  },
) {
  const id = `F${seq}`;
  const url = file.url ?? h.api.addFile(id, file.name, file.body ?? "");
  const size = file.size ?? Buffer.byteLength(file.body ?? "");
  await h.event({
    type: "message",
    subtype: "file_share",
    channel_type: "im",
    channel: `D${user}`,
    user,
    text: "",
    ts: nextTs(),
    upload: true,
    display_as_bot: false,
    files: [
      {
        id,
        created: Math.floor(Date.now() / 1000),
        name: file.name,
        title: file.name,
        mimetype: file.mimetype,
        filetype: file.filetype,
        pretty_type: file.filetype.toUpperCase(),
        user,
        mode: "hosted",
        is_external: false,
        size,
        url_private: url,
        url_private_download: url,
        permalink: `https://demo.slack.com/files/${user}/${id}/${file.name}`,
      },
    ],
  });
  await h.runtime.idle();
  return lastPost(`D${user}`)!;
}

async function click(user: string, value: string, channel: string, messageTs: string, blocks?: unknown[]) {
  const responseId = `r-${++seq}`;
  await h.interact(
    clickPayload({ user, value, responseId, api: h.api, channel, messageTs, blocks, actionId: "keel:x:0" }),
  );
  await h.runtime.idle();
  return h.api.responsesFor(responseId).map((r) => String(r.body.text ?? ""));
}

const demoDeals = () => h.deps.db.tenantTx(demoId, (tx) => tx.select().from(deals));

describe("Slack users nobody added", () => {
  it("an invited user gets no data and no membership, and is told who can add them", async () => {
    h.api.users.set("U0INVITED", { name: "Gina Guest", email: "gina@partner.example" });
    const answer = await dm("U0INVITED", "deals");
    expect(answer).toContain("not a member");
    expect(answer).toContain("Olivia Owens");
    expect(answer).not.toContain("Acme Logistics");
    expect(await actorForIdentity(h.deps.db, demoId, "slack", "U0INVITED")).toBeUndefined();
    const gina = await h.deps.db.tenantTx(demoId, (tx) =>
      tx.select().from(users).where(eq(users.email, "gina@partner.example")),
    );
    expect(gina).toHaveLength(0);
  });

  it("the owner is notified once, with add-as-rep / add-as-viewer buttons", async () => {
    await dm("U0INVITED", "hello?");
    const r = await h.command("/deal", "Acme", "U0INVITED");
    await h.runtime.idle();
    expect(
      h.api
        .responsesFor(r.responseId)
        .map((x) => String(x.body.text))
        .join(" "),
    ).toContain("not a member");
    const notices = h.api.messages.filter(
      (m) => m.channel === "U0OWNER" && String(m.text).includes("Gina Guest"),
    );
    expect(notices).toHaveLength(1);
    expect(Object.keys(buttons(notices[0]!.blocks))).toEqual(["Add as rep", "Add as viewer"]);
  });

  it("a rep cannot use the owner's button; the owner's click makes Gina a rep who then gets answers", async () => {
    const notice = h.api.messages.find(
      (m) => m.channel === "U0OWNER" && String(m.text).includes("Gina Guest"),
    )!;
    const b = buttons(notice.blocks);
    const refused = await click("U0REP1", b["Add as rep"]!.value, "DU0OWNER", notice.ts);
    expect(refused.join(" ")).toContain("Only an owner can add people");
    expect(await actorForIdentity(h.deps.db, demoId, "slack", "U0INVITED")).toBeUndefined();
    await click("U0OWNER", b["Add as rep"]!.value, "DU0OWNER", notice.ts, notice.blocks);
    const gina = await actorForIdentity(h.deps.db, demoId, "slack", "U0INVITED");
    expect(gina).toMatchObject({ role: "rep", email: "gina@partner.example", name: "Gina Guest" });
    const answer = await dm("U0INVITED", "deals");
    expect(answer).not.toContain("not a member");
  });

  it("a Slack user whose e-mail an owner already added is linked, not asked about", async () => {
    await h.deps.db.tenantTx(demoId, async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({ tenantId: demoId, email: "fred@demo.example", name: "Fred Finance" })
        .returning();
      const { memberships } = await import("../../../src/core/infra/db/schema/index.js");
      await tx.insert(memberships).values({ tenantId: demoId, userId: u!.id, role: "finance" });
    });
    h.api.users.set("U0FRED", { name: "Fred F.", email: "Fred@Demo.example" });
    const before = h.api.messages.filter((m) => m.channel === "U0OWNER").length;
    const answer = await dm("U0FRED", "invoices overdue");
    expect(answer).not.toContain("not a member");
    expect((await actorForIdentity(h.deps.db, demoId, "slack", "U0FRED"))?.role).toBe("finance");
    expect(h.api.messages.filter((m) => m.channel === "U0OWNER").length).toBe(before);
  });
});

const GOOD_DEALS = [
  "name,stage,value,company,owner_email,expected_close_on,next_step",
  "Nordwind Kühlhaus,Qualified,9900000,Nordwind GmbH,sam@demo.example,2027-03-31,Send the quote",
  "Harbor Cranes Refit,Negotiation,8800000,Harbor Cranes Ltd,lina@demo.example,2027-02-15,",
].join("\n");

describe("CSV files sent in a DM", () => {
  let preview: { ts: string; blocks?: unknown[]; text?: string };

  it("an owner's CSV is previewed as a dry run with Import / Cancel; nothing is written yet", async () => {
    const before = (await demoDeals()).length;
    preview = await sendFile("U0OWNER", {
      name: "deals.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: `\uFEFF${GOOD_DEALS}\n`,
    });
    expect(preview.text).toContain("deals.csv");
    expect(preview.text).toMatch(/looks like .*deals/);
    expect(preview.text).toMatch(/2 rows: .*2.* new/);
    expect(Object.keys(buttons(preview.blocks))).toEqual(["Import", "Cancel"]);
    expect((await demoDeals()).length).toBe(before);
    // Downloaded once, with the bot token, from url_private_download.
    expect(h.api.downloads.at(-1)?.token).toBe("xoxb-test-demo");
  });

  it("Import writes the rows; a second click (and a second person) imports nothing more", async () => {
    const before = (await demoDeals()).length;
    const b = buttons(preview.blocks);
    // Owner and finance press Import at the same moment: one import.
    const [a, c] = await Promise.all([
      click("U0OWNER", b.Import!.value, "DU0OWNER", preview.ts, preview.blocks),
      click("U0FINANCE", b.Import!.value, "DU0OWNER", preview.ts, preview.blocks),
    ]);
    const after = await demoDeals();
    expect(after.length).toBe(before + 2);
    expect(after.filter((d) => d.name === "Nordwind Kühlhaus")).toHaveLength(1);
    const again = await click("U0OWNER", b.Import!.value, "DU0OWNER", preview.ts, preview.blocks);
    expect([...a, ...c, ...again].join(" ")).toContain("already imported");
    expect((await demoDeals()).length).toBe(before + 2);
    const [row] = await h.deps.db.tenantTx(demoId, (tx) =>
      tx.select().from(pendingImports).where(eq(pendingImports.fileName, "deals.csv")),
    );
    expect(row!.status).toBe("imported");
  });

  it("`deals` now answers with the imported deals", async () => {
    const answer = await dm("U0OWNER", "deals");
    expect(answer).toContain("Nordwind Kühlhaus");
  });

  it("Cancel drops the pending import; Import afterwards says so and writes nothing", async () => {
    const p = await sendFile("U0OWNER", {
      name: "more-deals.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: "name,stage,value\nCancelled Co Deal,Lead,1000\n",
    });
    const b = buttons(p.blocks);
    const cancelled = await click("U0OWNER", b.Cancel!.value, "DU0OWNER", p.ts, p.blocks);
    expect(cancelled.join(" ")).toContain("Import cancelled");
    const late = await click("U0FINANCE", b.Import!.value, "DU0OWNER", p.ts, p.blocks);
    expect(late.join(" ")).toContain("was cancelled");
    expect((await demoDeals()).some((d) => d.name === "Cancelled Co Deal")).toBe(false);
  });

  it("a broken file lists every error with its line, and offers no Import button", async () => {
    const p = await sendFile("U0OWNER", {
      name: "broken.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: [
        "name,stage,value,expected_close_on",
        "Neg Co,Lead,-500,2027-01-01",
        "Bad Date Co,Lead,100,2026-13-01",
        "Ghost Stage Co,Nowhere,100,2027-01-01",
        "Fine Co,Lead,100,2027-01-01",
      ].join("\n"),
    });
    expect(p.text).toContain("nothing imported");
    expect(p.text).toMatch(/line 2, value/);
    expect(p.text).toMatch(/line 3, expected_close_on/);
    expect(p.text).toMatch(/line 4, stage/);
    expect(buttons(p.blocks)).toEqual({});
    expect((await demoDeals()).some((d) => d.name === "Fine Co")).toBe(false);
  });

  it("broken quoting, a renamed binary, an unknown header: each gets a clear message", async () => {
    const quoting = await sendFile("U0OWNER", {
      name: "quotes.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: 'name,stage,value\n"Unclosed,Lead,100\n',
    });
    expect(quoting.text).toMatch(/not valid CSV|problem/);
    const binary = await sendFile("U0OWNER", {
      name: "export.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe]),
    });
    expect(binary.text).toContain("not a readable CSV file");
    const unknown = await sendFile("U0OWNER", {
      name: "list.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: "colour,size\nred,L\n",
    });
    expect(unknown.text).toContain("could not tell what");
    expect(unknown.text).toContain("deals:");
  });

  it("a header that fits two kinds is asked about; the answer gives the preview, then Import", async () => {
    const p = await sendFile("U0OWNER", {
      name: "crm-export.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: "external_id,name,company\nCRM-77,Delta Freight Renewal,Delta Freight\n",
    });
    expect(p.text).toContain("What does");
    const choice = buttons(p.blocks);
    expect(Object.keys(choice).sort()).toEqual(["Contacts", "Deals"]);
    // Import before answering is refused; answering "Deals" runs the dry run as deals.
    const early = await click("U0OWNER", choice.Deals!.value, "DU0OWNER", p.ts, p.blocks);
    expect(early.join(" ")).toMatch(/deals/);
    const answered = h.api.responses.at(-1)!.body as { text?: string; blocks?: unknown[] };
    // A new deal needs stage and value: the dry run as deals lists that, with lines.
    expect(String(answered.text)).toMatch(/line 2, (stage|value)/);
    const contacts = await click("U0FINANCE", choice.Contacts!.value, "DU0OWNER", p.ts, p.blocks);
    expect(contacts.join(" ")).toMatch(/looks like .*contacts/);
    const preview = h.api.responses.at(-1)!.body as { blocks?: unknown[] };
    const imp = buttons(preview.blocks).Import!;
    const done = await click("U0FINANCE", imp.value, "DU0OWNER", p.ts, preview.blocks);
    expect(done.join(" ")).toContain("Imported");
  });

  it("a rep's CSV is politely refused and not even downloaded", async () => {
    const downloads = h.api.downloads.length;
    const p = await sendFile("U0REP1", {
      name: "my.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: GOOD_DEALS,
    });
    expect(p.text).toContain("Importing files is for owners and finance people");
    expect(h.api.downloads.length).toBe(downloads);
  });

  it("a PDF gets a friendly note on what Keel can read; a 25 MB CSV is too big (not downloaded)", async () => {
    const downloads = h.api.downloads.length;
    const pdf = await sendFile("U0OWNER", {
      name: "contract.pdf",
      mimetype: "application/pdf",
      filetype: "pdf",
      body: "%PDF-1.7",
    });
    expect(pdf.text).toContain("I can read CSV files for import");
    const big = await sendFile("U0OWNER", {
      name: "huge.csv",
      mimetype: "text/csv",
      filetype: "csv",
      body: "name",
      size: 25 * 1024 * 1024,
    });
    expect(big.text).toContain("larger than 20 MB");
    expect(h.api.downloads.length).toBe(downloads);
  });

  it("a file URL outside Slack never gets the bot token", async () => {
    const p = await sendFile("U0OWNER", {
      name: "elsewhere.csv",
      mimetype: "text/csv",
      filetype: "csv",
      url: "http://127.0.0.1:9/steal",
    });
    expect(p.text).toContain("could not download");
  });

  it("a stranger's file is answered like their messages: not a member, nothing read", async () => {
    h.api.users.set("U0STRANGE", { name: "Sid Stranger" });
    const downloads = h.api.downloads.length;
    await sendFile("U0STRANGE", { name: "x.csv", mimetype: "text/csv", filetype: "csv", body: GOOD_DEALS });
    expect(
      said("DU0STRANGE")
        .map((m) => m.text)
        .join(" "),
    ).toContain("not a member");
    expect(h.api.downloads.length).toBe(downloads);
    const ids = await h.deps.db.tenantTx(demoId, (tx) =>
      tx.select().from(identities).where(eq(identities.externalId, "U0STRANGE")),
    );
    expect(ids).toHaveLength(0);
  });
});
