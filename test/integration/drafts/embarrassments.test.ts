import { and, eq, inArray, notInArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { renderConsole } from "../../../src/bots/console/render.js";
import { ConsoleSession } from "../../../src/bots/console/session.js";
import { EmailAdapter } from "../../../src/bots/email/index.js";
import {
  createDraft,
  type DraftWriter,
  updateApprovalPolicy,
} from "../../../src/core/features/drafts/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import {
  contacts,
  deals,
  draftEvents,
  drafts,
  invoices,
  outbox,
} from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { ChatAdapter } from "../../../src/core/ports/chat-adapter.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createScheduler, draftEscalationsJob, draftExpiryJob } from "../../../src/jobs/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp-sink.js";

/**
 * Each embarrassment from issue 15, as a person meets it in `keel chat`: the console session maps
 * numbered choices back to actions exactly as a user types them. Email goes to a local SMTP sink.
 */
const clock = fixedClock("2026-11-02T09:00:00Z");
let d: TestDeps;
let smtp: SmtpSink;
let tenantId: string;
let dispatcher: Dispatcher;

const session = async (who: string) =>
  new ConsoleSession(dispatcher, await actorByEmail(d.db, tenantId, `${who}@demo.example`));
const rows = <T>(fn: (tx: Parameters<Parameters<TestDeps["db"]["tenantTx"]>[1]>[0]) => Promise<T>) =>
  d.db.tenantTx(tenantId, fn);
const draftsAbout = (subjectId: string) =>
  rows((tx) => tx.select().from(drafts).where(eq(drafts.subjectId, subjectId)));
const mails = (needle: string) => smtp.mails.filter((m) => m.raw.includes(needle));

beforeAll(async () => {
  smtp = await startSmtpSink();
  d = await createTestDeps({}, { clock });
  await loadDemo(d);
  d.channels.set("console", new ConsoleAdapter(null));
  d.channels.set("email", new EmailAdapter({ url: smtp.url, from: "Northwind <keel@northwind.example>" }));
  tenantId = (await requireTenant(d.db, "demo")).id;
  dispatcher = createDispatcher(d, registry);
});
afterAll(async () => {
  await d?.cleanup();
  await smtp?.close();
});

describe("closed deals and paid invoices", () => {
  it("`remind fjord seafood` never offers a closed deal first, nor drafts 'currently at the Lost step'", async () => {
    const fjord = await rows((tx) => tx.select().from(deals).where(eq(deals.company, "Fjord Seafood")));
    const closed = fjord.filter((x) => x.status !== "open");
    const open = fjord.filter((x) => x.status === "open");
    expect(closed.length).toBeGreaterThan(0);
    const s = await session("owner");
    const { reply } = await s.handle("remind fjord seafood");
    const shown = renderConsole(reply);
    for (const c of closed) expect(shown).not.toContain(c.name);
    expect(shown).not.toMatch(/Lost|currently at/);
    if (open.length > 1) {
      expect(reply.actions?.map((a) => a.label).sort()).toEqual(open.map((o) => o.name).sort());
      const { reply: drafted } = await s.handle("1");
      expect(drafted.meta?.draftId).toBeDefined();
      expect(renderConsole(drafted)).not.toMatch(/Lost|currently at/);
    } else expect(reply.meta?.draftId ?? reply.actions?.length).toBeTruthy();
  });

  it("naming a closed deal is refused with a way to insist; `… anyway` drafts it and records that it was forced", async () => {
    const [lost] = await rows((tx) => tx.select().from(deals).where(eq(deals.status, "lost")).limit(1));
    const s = await session("manager");
    const { reply } = await s.handle(`remind ${lost!.name}`);
    expect(reply.text).toMatch(/No follow-up drafted: .* is closed \(lost\)/);
    expect(await draftsAbout(lost!.id)).toHaveLength(0);
    expect(renderConsole(reply)).toMatch(/\[1\] Draft anyway/);
    const { reply: forced } = await s.handle(`remind ${lost!.name} anyway`);
    expect(forced.meta?.draftId).toBeDefined();
    const [ev] = await rows((tx) =>
      tx
        .select()
        .from(draftEvents)
        .where(eq(draftEvents.draftId, String(forced.meta?.draftId))),
    );
    expect(ev!.detail).toMatchObject({ forced: true, via: "console" });
  });

  it("a paid invoice gets no reminder", async () => {
    const [paid] = await rows((tx) => tx.select().from(invoices).where(eq(invoices.status, "paid")).limit(1));
    const { reply } = await (await session("finance")).handle(`remind ${paid!.number}`);
    expect(reply.text).toBe(`No reminder drafted: invoice ${paid!.number} is paid.`);
    expect(await draftsAbout(paid!.id)).toHaveLength(0);
  });
});

describe("duplicates and the resend guard", () => {
  it("`remind Acme Logistics` twice, then `approve` both numbers: one draft, one message", async () => {
    const [acme] = await rows((tx) => tx.select().from(deals).where(eq(deals.name, "Acme Logistics")));
    const s = await session("sam");
    const first = (await s.handle("remind Acme Logistics")).reply;
    const second = (await s.handle("remind acme logistics")).reply;
    expect(second.text).toMatch(new RegExp(`Draft #${first.meta?.draftSeq} for this is already waiting`));
    expect(renderConsole(second)).toMatch(/\[1\] Edit/);
    expect(second.meta?.draftId).toBe(first.meta?.draftId);
    expect(await draftsAbout(acme!.id)).toHaveLength(1);
    const m = await session("manager");
    const a = (await m.handle(`approve ${first.meta?.draftSeq}`)).reply;
    const b = (await m.handle(`approve ${first.meta?.draftSeq}`)).reply;
    expect(a.text).toMatch(/Delivered/);
    expect(b.text).toMatch(/already (scheduled|sent)/);
    expect(mails("Following up: Acme Logistics")).toHaveLength(1);
  });

  it("a new reminder minutes after one was sent asks before sending again; confirming sends it", async () => {
    const s = await session("sam");
    const draft = (await s.handle("remind Acme Logistics")).reply;
    expect(draft.text).toMatch(/Heads-up: draft #\d+ about the same subject was sent/);
    const m = await session("manager");
    const ask = (await m.handle(`approve ${draft.meta?.draftSeq}`)).reply;
    expect(ask.text).toMatch(/was sent .* ago\. Send draft #\d+ as well\?/);
    expect(mails("Following up: Acme Logistics")).toHaveLength(1);
    expect(renderConsole(ask)).toMatch(/\[1\] Send anyway/);
    const sent = (await m.handle("1")).reply;
    expect(sent.text).toMatch(/Delivered/);
    expect(mails("Following up: Acme Logistics")).toHaveLength(2);
  });
});

describe("nothing internal reaches the customer", () => {
  it("the template quotes neither the next step nor the notes, and names no pipeline stage", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Zenith Telecom")))
        .limit(1),
    );
    const { reply } = await (await session("owner")).handle(`remind ${deal!.id}`);
    const [row] = await rows((tx) =>
      tx
        .select()
        .from(drafts)
        .where(eq(drafts.id, String(reply.meta?.draftId))),
    );
    expect(row!.body).not.toContain(deal!.nextStep!);
    expect(row!.body).not.toMatch(/next step on our side|currently at|step\b/i);
  });

  it("a writer that quotes an internal note is replaced by the customer-safe template (and it is logged)", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Titan Steel")))
        .limit(1),
    );
    const leaky: DraftWriter = async () => ({
      subject: "Quick follow-up",
      body: `Hi! The next step on our side is: ${deal!.nextStep}. Talk soon.`,
      promptVersion: "draft.followup_email@3",
    });
    const owner = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const r = await createDraft(d, owner, deal!.id, { channel: "console", address: "c" }, leaky);
    const [row] = await rows((tx) =>
      tx
        .select()
        .from(drafts)
        .where(eq(drafts.id, String(r.meta?.draftId))),
    );
    expect(row!.body).not.toContain(deal!.nextStep!);
    expect(row!.promptVersion).toBe("template");
    const [ev] = await rows((tx) => tx.select().from(draftEvents).where(eq(draftEvents.draftId, row!.id)));
    expect(ev!.detail).toMatchObject({ internalQuoteReplaced: true });
  });
});

describe("four eyes, viewers, expiry, history, escalation, recipients", () => {
  it("whoever drafts above the threshold cannot approve it; someone else can", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Lumen Optics")))
        .limit(1),
    );
    expect(deal!.valueMinor).toBeGreaterThan(1_000_000);
    const o = await session("owner");
    const draft = (await o.handle(`remind ${deal!.id}`)).reply;
    expect(draft.actions?.map((a) => a.label)).toEqual(["Edit", "Reject"]);
    const refused = (await o.handle(`approve ${draft.meta?.draftSeq}`)).reply;
    expect(refused.text).toMatch(/Four eyes: drafts over 10,000 need someone other than their author/);
    expect(
      await rows((tx) =>
        tx
          .select()
          .from(outbox)
          .where(eq(outbox.draftId, String(draft.meta?.draftId))),
      ),
    ).toHaveLength(0);
    const ok = (await (await session("manager")).handle(`approve ${draft.meta?.draftSeq}`)).reply;
    expect(ok.text).toMatch(/Approved draft/);
  });

  it("a viewer asking about a deal is not offered Draft follow-up, and cannot draft", async () => {
    const v = await session("viewer");
    const shown = (await v.handle("deal Acme Logistics")).reply;
    expect(shown.actions ?? []).toEqual([]);
    const tried = (await v.handle("remind Acme Logistics")).reply;
    expect(tried.text).toMatch(/viewer cannot create drafts/);
  });

  it("the expiry job expires what nobody approved; list, approve and history all say expired", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Kestrel Robotics")))
        .limit(1),
    );
    const s = await session("manager");
    const draft = (await s.handle(`remind ${deal!.id}`)).reply;
    clock.advance((d.config.app.draftExpiryHours + 1) * 3_600_000);
    const run = await createScheduler(d, [draftExpiryJob], { timers: false }).fire(draftExpiryJob.name);
    expect(run.status).toBe("succeeded");
    const list = (await s.handle("drafts")).reply;
    expect(renderConsole(list)).toMatch(new RegExp(`Expired[^\\n]*\\n[^]*#${draft.meta?.draftSeq} `));
    expect(list.meta?.draftIds).not.toContain(draft.meta?.draftId);
    const late = (await (await session("owner")).handle(`approve ${draft.meta?.draftSeq}`)).reply;
    expect(late.text).toMatch(/already expired/);
    const history = (await s.handle(`drafts history ${draft.meta?.draftSeq}`)).reply;
    expect(renderConsole(history)).toMatch(/expired by Keel via job \((drafted|edited) → expired\)/);
    clock.set("2026-11-02T09:00:00Z");
  });

  it("`drafts history N` shows the edit diff, who, when and from where", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Nimbus Cloud Hosting")))
        .limit(1),
    );
    const s = await session("manager");
    const draft = (await s.handle(`remind ${deal!.id}`)).reply;
    await s.handle(`edit ${draft.meta?.draftSeq} Hi there, can we talk on Tuesday?`);
    const shown = renderConsole((await s.handle(`drafts history ${draft.meta?.draftSeq}`)).reply);
    expect(shown).toMatch(/2026-11-02 09:00 UTC drafted by Marco Ruiz[^\n]* via console/);
    expect(shown).toMatch(/edited by Marco Ruiz[^\n]* via console/);
    expect(shown).toContain("    added: Hi there, can we talk on Tuesday?");
    expect(shown).toMatch(/ {4}removed: I wanted to follow up on/);
  });

  it("a draft waiting longer than the policy allows is escalated once, to the next approver's direct chat", async () => {
    const owner = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const sam = await actorByEmail(d.db, tenantId, "sam@demo.example");
    const taken = [
      "Acme Logistics",
      ...(
        await rows((tx) =>
          tx
            .select({ n: deals.name })
            .from(deals)
            .where(inArray(deals.company, ["Fjord Seafood", "Kestrel Robotics", "Nimbus Cloud Hosting"])),
        )
      ).map((r) => r.n),
    ];
    await updateApprovalPolicy(d, owner, { escalateAfterHours: 4 });
    // People are reached on Slack here; the escalation is an outbox row (delivery is the outbox's job).
    const sink = new ConsoleAdapter(null);
    d.channels.set("slack", {
      channel: "slack",
      capabilities: sink.capabilities,
      send: (t, r) => sink.send(t, r),
    } as ChatAdapter);
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        // One of Sam's own open deals (a rep drafts only about those) not used by another test.
        .where(
          and(eq(deals.status, "open"), eq(deals.ownerUserId, sam.userId), notInArray(deals.name, taken)),
        )
        .limit(1),
    );
    const draft = (await (await session("sam")).handle(`remind ${deal!.id}`)).reply;
    const fire = () =>
      createScheduler(d, [draftEscalationsJob], { timers: false }).fire(draftEscalationsJob.name);
    await fire();
    const key = `escalate:${draft.meta?.draftId}`;
    const esc = () => rows((tx) => tx.select().from(outbox).where(eq(outbox.dedupeKey, key)));
    expect(await esc()).toHaveLength(0);
    clock.advance(5 * 3_600_000);
    await fire();
    clock.advance(20 * 60_000);
    await fire();
    const sent = await esc();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.target).toEqual({ channel: "slack", address: "U0MANAGER" });
    expect(JSON.stringify(sent[0]!.payload)).toMatch(
      /has waited 5 h for approval; you are the next approver/,
    );
    clock.set("2026-11-02T09:00:00Z");
  });

  it("chat and the sweep address the same reminder to the same place; no address on file is said plainly", async () => {
    const [deal] = await rows((tx) =>
      tx
        .select()
        .from(deals)
        .where(and(eq(deals.status, "open"), eq(deals.company, "Urban Fitness")))
        .limit(1),
    );
    await rows((tx) => tx.update(contacts).set({ email: null }).where(eq(contacts.id, deal!.contactId!)));
    const r = (await (await session("manager")).handle(`remind ${deal!.id}`)).reply;
    expect(r.text).toMatch(
      /No email address on file for .+: once approved, the text is posted here for you to forward\./,
    );
    expect(r.fields?.find((f) => f.label === "Goes to")?.value).toMatch(/^console /);
  });
});
