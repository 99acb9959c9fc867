import { and, eq } from "drizzle-orm";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THINKING_TEXT } from "../../../src/bots/slack/listeners/conversation.js";
import { createSlackRuntime } from "../../../src/bots/slack/runtime.js";
import { loadConfig } from "../../../src/config.js";
import { actorForIdentity, tenantForChannel } from "../../../src/core/features/tenancy/index.js";
import {
  memberships,
  pipelines,
  setupConversations,
  stages,
  tenants,
  users,
} from "../../../src/core/infra/db/schema/index.js";
import { createHttpApp } from "../../../src/http/app.js";
import { createHarness, type Harness, SIGNING_SECRET, sign } from "./harness.js";

/**
 * A new Slack workspace installs Keel → its installer owns a brand-new, empty tenant and is walked
 * through the set-up in a DM (the same reading of answers as `keel setup`), with the conversation
 * kept in the database across restarts, cancellable, and private to that person.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ oauth: true, botToken: false });
  // code "install:TEAM:USER:Workspace Name" → that workspace installed by that user.
  h.api.oauthAccess = (p) => {
    const [tag, team, user, name] = String(p.code).split(":");
    if (tag !== "install") return { ok: false, error: "invalid_code" };
    const token = `xoxb-${team!.toLowerCase()}`;
    h.api.tokens.set(token, { team: team!, user: `U${team}BOT`, bot: `B${team}` });
    return {
      ok: true,
      app_id: "A0KEEL",
      authed_user: { id: user },
      scope: "chat:write,commands,im:history,files:read",
      token_type: "bot",
      access_token: token,
      bot_user_id: `U${team}BOT`,
      team: { id: team, name },
      enterprise: null,
      is_enterprise_install: false,
    };
  };
});
afterAll(async () => h?.close());

async function install(team: string, user: string, name: string) {
  const start = await h.http.request("/slack/install");
  const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0]!;
  const res = await h.http.request(
    `/slack/oauth_redirect?code=${encodeURIComponent(`install:${team}:${user}:${name}`)}&state=${encodeURIComponent(state)}`,
    { headers: { cookie } },
  );
  expect(res.status).toBe(200);
  return (await tenantForChannel(h.deps.db, "slack", team))!;
}

let seq = 1_700_100_000;
/** A DM to Keel as Slack sends it; returns the text of Keel's answer (the edited placeholder). */
async function dm(team: string, user: string, text: string, http: Hono = h.http): Promise<string> {
  seq += 1;
  const channel = `D${user}`;
  const body = JSON.stringify({
    token: "legacy",
    team_id: team,
    api_app_id: "A0KEEL",
    type: "event_callback",
    event_id: `Ev${seq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: `U${team}BOT`, is_bot: true, is_enterprise_install: false }],
    event: {
      type: "message",
      channel_type: "im",
      channel,
      user,
      text,
      ts: `${seq}.000100`,
      event_ts: `${seq}.000100`,
    },
  });
  const ts = Math.floor(Date.now() / 1000);
  const res = await http.request("/slack/events", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, body),
    },
    body,
  });
  expect(res.status).toBe(200);
  await h.runtime.idle();
  await second?.idle();
  const update = h.api
    .callsTo("chat.update")
    .filter((c) => c.params.channel === channel)
    .at(-1);
  return String(update?.params.text ?? "");
}

const conversation = async (team: string, user: string) =>
  (
    await h.deps.db.orm
      .select()
      .from(setupConversations)
      .where(and(eq(setupConversations.channel, "slack"), eq(setupConversations.address, `${team}:${user}`)))
  )[0];

let second: { idle(): Promise<void> } | undefined;

describe("guided set-up after a new workspace installs Keel", () => {
  let tenantId: string;

  it("the install makes a new, empty tenant owned by the installer and DMs the first question", async () => {
    tenantId = await install("T0NEWCO", "U0FOUNDER", "New Co");
    const owner = await actorForIdentity(h.deps.db, tenantId, "slack", "U0FOUNDER");
    expect(owner?.role).toBe("owner");
    const greeting = h.api.callsTo("chat.postMessage").find((c) => c.params.channel === "U0FOUNDER");
    expect(String(greeting?.params.text)).toContain("What is your company called?");
    expect(greeting?.token).toBe("xoxb-t0newco");
    expect((await conversation("T0NEWCO", "U0FOUNDER"))?.step).toBe("company");
  });

  it("a greeting is not a company name: the question comes again", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "hi there!");
    expect(a).toContain("What is your company called?");
    expect((await conversation("T0NEWCO", "U0FOUNDER"))?.step).toBe("company");
  });

  it("a company name full of mentions and links is stored as plain text, and no mention is echoed", async () => {
    const a = await dm(
      "T0NEWCO",
      "U0FOUNDER",
      "<!channel> <https://evil.example/phish|Acme> Trading <@U0OWNER> @here",
    );
    expect(a).toContain("Acme Trading");
    expect(a).not.toMatch(/<!channel>|<@U0OWNER>|evil\.example|@here/);
    expect((await conversation("T0NEWCO", "U0FOUNDER"))?.answers.company).toBe("Acme Trading");
    expect(a).toContain("currency");
  });

  it("“dollars” is met with a suggestion, and “yes” takes it", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "dollars");
    expect(a).toContain("Did you mean USD?");
    expect((await conversation("T0NEWCO", "U0FOUNDER"))?.step).toBe("currency");
    const b = await dm("T0NEWCO", "U0FOUNDER", "yes");
    expect(b).toContain("Amounts in USD");
    expect(b).toContain("time zone");
  });

  it("“EST” asks for a city; “new york” is understood", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "EST");
    expect(a).toMatch(/abbreviation/);
    expect(a).toContain("America/New_York");
    expect((await conversation("T0NEWCO", "U0FOUNDER"))?.step).toBe("timezone");
    const b = await dm("T0NEWCO", "U0FOUNDER", "new york");
    expect(b).toContain("America/New_York");
    expect(b).toMatch(/1\. b2b-sales/);
  });

  it("an out-of-range pipeline number is re-asked with the list; the template's name works", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "7");
    expect(a).toContain("Reply with a number from 1 to 3");
    const b = await dm("T0NEWCO", "U0FOUNDER", "simple");
    expect(b).toContain("e-mail");
  });

  it("a spelled-out e-mail is re-asked; Slack's mailto link is read", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "olivia at acme dot com");
    expect(a).toContain("does not look like an e-mail address");
    const b = await dm("T0NEWCO", "U0FOUNDER", "<mailto:Olivia@Acme.example|Olivia@Acme.example>");
    expect(b).toContain("is set up");
    expect(b).toContain("olivia@acme.example");
  });

  it("the tenant is now the company: name, currency, zone, pipeline, owner with the Slack identity", async () => {
    const [t] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(t).toMatchObject({ name: "Acme Trading", currency: "USD", timezone: "America/New_York" });
    expect(t!.slug).toMatch(/^acme-trading/);
    const stageNames = await h.deps.db.tenantTx(tenantId, (tx) =>
      tx.select({ name: stages.name }).from(stages).innerJoin(pipelines, eq(pipelines.id, stages.pipelineId)),
    );
    expect(stageNames.map((s) => s.name)).toContain("Negotiation");
    const owner = await actorForIdentity(h.deps.db, tenantId, "slack", "U0FOUNDER");
    expect(owner).toMatchObject({ role: "owner", email: "olivia@acme.example" });
    expect(await conversation("T0NEWCO", "U0FOUNDER")).toBeUndefined();
  });

  it("the first ordinary question gets an ordinary answer from the new company", async () => {
    const a = await dm("T0NEWCO", "U0FOUNDER", "deals");
    expect(a).not.toContain("What is your company called?");
    expect(a).not.toContain(THINKING_TEXT);
    expect(a).not.toContain("Acme Logistics"); // the demo company's deal stays in the demo
  });
});

describe("a set-up that is interrupted", () => {
  let tenantId: string;
  it("survives a restart midway: a fresh runtime on the same database continues the conversation", async () => {
    tenantId = await install("T0TWO", "U0ANNA", "Zwei");
    // Slack's wire format escapes "&" as "&amp;" (and shows "&").
    expect(await dm("T0TWO", "U0ANNA", "Müller & Söhne GmbH")).toContain("Müller &amp; Söhne GmbH");
    expect(await dm("T0TWO", "U0ANNA", "euro")).toContain("Did you mean EUR?");
    expect(await dm("T0TWO", "U0ANNA", "eur")).toContain("Amounts in EUR");
    // "Restart": a new Slack runtime (no memory shared with the first) behind a new HTTP app.
    const settings = loadConfig({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.api.url,
      SLACK_CLIENT_ID: "111.222",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "state-secret-0123456789",
    }).slack;
    const fresh = createSlackRuntime(h.keel, settings, { paceMs: 5 });
    second = fresh;
    const http = createHttpApp(h.deps, [(app) => fresh.mount(app)]) as unknown as Hono;
    const a = await dm("T0TWO", "U0ANNA", "Berlin", http);
    expect(a).toContain("Europe/Berlin");
    expect((await conversation("T0TWO", "U0ANNA"))?.step).toBe("pipeline");
  });

  it("someone else in the workspace writing meanwhile sees nothing, changes nothing, and the owner is told once", async () => {
    h.api.users.set("U0INTRUDER", { name: "Ivan Intruder", email: "ivan@zwei.example" });
    const before = await conversation("T0TWO", "U0ANNA");
    const a = await dm("T0TWO", "U0INTRUDER", "Evil Corp");
    expect(a).toContain("not a member");
    expect(a).toContain("can add you");
    await dm("T0TWO", "U0INTRUDER", "2");
    expect(await conversation("T0TWO", "U0ANNA")).toMatchObject({
      step: before!.step,
      answers: before!.answers,
    });
    const notices = h.api
      .callsTo("chat.postMessage")
      .filter((c) => c.params.channel === "U0ANNA" && String(c.params.text).includes("Ivan Intruder"));
    expect(notices).toHaveLength(1);
    const members = await h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(memberships));
    expect(members).toHaveLength(1);
  });

  it("“von vorne” starts over; “abbrechen” cancels and changes nothing", async () => {
    expect(await dm("T0TWO", "U0ANNA", "von vorne")).toContain("What is your company called?");
    expect((await conversation("T0TWO", "U0ANNA"))?.answers).toEqual({});
    expect(await dm("T0TWO", "U0ANNA", "abbrechen")).toContain("cancelled");
    expect(await conversation("T0TWO", "U0ANNA")).toBeUndefined();
    const pipes = await h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(pipelines));
    expect(pipes).toHaveLength(0);
  });

  it("the owner of a tenant that is still empty is offered the set-up again on the next DM", async () => {
    expect(await dm("T0TWO", "U0ANNA", "what can you do?")).toContain("What is your company called?");
    expect(await dm("T0TWO", "U0ANNA", "Zwei Handel")).toContain("currency");
    expect(await dm("T0TWO", "U0ANNA", "Stop, please")).toContain("cancelled");
  });

  it("an expired set-up is forgotten; “annuler” and “cancelar” cancel too", async () => {
    await dm("T0TWO", "U0ANNA", "set up");
    await dm("T0TWO", "U0ANNA", "Zwei Handel");
    await h.deps.db.orm
      .update(setupConversations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(setupConversations.address, "T0TWO:U0ANNA"));
    // The stale answers are gone: the set-up starts from its first question.
    expect(await dm("T0TWO", "U0ANNA", "CHF")).toContain("What is your company called?");
    expect(await dm("T0TWO", "U0ANNA", "annuler")).toContain("cancelled");
    await dm("T0TWO", "U0ANNA", "setup");
    expect(await dm("T0TWO", "U0ANNA", "cancelar")).toContain("cancelled");
  });

  it("bad answers never crash the flow: empty-looking names, 200-character names, emoji", async () => {
    await dm("T0TWO", "U0ANNA", "setup");
    expect(await dm("T0TWO", "U0ANNA", "<@U0ANNA> <!here>")).toContain("letters or digits");
    expect(await dm("T0TWO", "U0ANNA", "A".repeat(200))).toContain("longer than 120");
    expect(await dm("T0TWO", "U0ANNA", "🚀🚀🚀")).toContain("letters or digits");
    expect(await dm("T0TWO", "U0ANNA", "Zwei 🚀 Handel")).toContain("currency");
    expect(await dm("T0TWO", "U0ANNA", "€")).toContain("Did you mean EUR?");
    expect(await dm("T0TWO", "U0ANNA", "ja")).toContain("Amounts in EUR");
    expect(await dm("T0TWO", "U0ANNA", "Mars/Olympus_Mons")).toContain("could not find a time zone");
    expect(await dm("T0TWO", "U0ANNA", "europe/berlin")).toContain("Europe/Berlin");
    expect(await dm("T0TWO", "U0ANNA", "2")).toContain("e-mail");
    expect(await dm("T0TWO", "U0ANNA", "anna@zwei.example")).toContain("is set up");
    const [t] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId));
    expect(t).toMatchObject({ name: "Zwei 🚀 Handel", currency: "EUR", timezone: "Europe/Berlin" });
    const owner = await h.deps.db.tenantTx(tenantId, (tx) =>
      tx.select({ email: users.email }).from(users).innerJoin(memberships, eq(memberships.userId, users.id)),
    );
    expect(owner).toEqual([{ email: "anna@zwei.example" }]);
  });
});
