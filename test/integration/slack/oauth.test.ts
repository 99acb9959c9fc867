import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantInstallQuery, tenantInstallSig } from "../../../src/bots/slack/oauth.js";
import { actorForIdentity, tenantForChannel } from "../../../src/core/features/tenancy/index.js";
import { slackInstallations, tenants } from "../../../src/core/infra/db/schema/index.js";
import { createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ oauth: true, botToken: false });
  h.api.oauthAccess = (p) =>
    p.code === "good-code"
      ? {
          ok: true,
          app_id: "A0KEEL",
          authed_user: { id: "U0HANA" },
          scope: "chat:write,commands",
          token_type: "bot",
          access_token: "xoxb-harbor-1",
          refresh_token: "xoxe-1-harbor",
          expires_in: 43_200,
          bot_user_id: "UHARBORBOT",
          team: { id: "T0HARBOR", name: "Harbor" },
          enterprise: null,
          is_enterprise_install: false,
        }
      : p.grant_type === "refresh_token"
        ? {
            ok: true,
            access_token: "xoxb-harbor-2",
            refresh_token: "xoxe-1-harbor-2",
            expires_in: 43_200,
            token_type: "bot",
            scope: "chat:write",
          }
        : { ok: false, error: "invalid_code" };
  h.api.tokens.set("xoxb-harbor-1", { team: "T0HARBOR", user: "UHARBORBOT", bot: "BHARBOR" });
});
afterAll(async () => h?.close());

/** Starts an install: returns the state Slack would send back and the cookie the browser holds. */
async function begin(query = "") {
  const res = await h.http.request(`/slack/install${query}`);
  const location = new URL(res.headers.get("location") ?? "http://x/");
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  return { res, state: location.searchParams.get("state") ?? "", cookie, location };
}
const finish = (state: string, cookie: string, code = "good-code") =>
  h.http.request(`/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
  });

const installRows = async (tenantId: string) =>
  h.deps.db.tenantTx(tenantId, (tx) => tx.select().from(slackInstallations));

describe("OAuth v2 install", () => {
  it("redirects to Slack with the bot scopes and a signed state", async () => {
    const { res, location, state } = await begin();
    expect(res.status).toBe(302);
    expect(location.origin + location.pathname).toBe("https://slack.com/oauth/v2/authorize");
    expect(location.searchParams.get("scope")).toContain("commands");
    expect(state.split(".")).toHaveLength(4);
  });

  it("rejects a bad state: tampered, wrong cookie, reused, or missing", async () => {
    const before = h.api.callsTo("oauth.v2.access").length;
    const a = await begin();
    const tampered = a.state.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await finish(tampered, a.cookie)).status).toBe(400);
    expect((await finish(a.state, "keel_slack_state=someone-else")).status).toBe(400);
    expect((await finish("", a.cookie)).status).toBe(400);
    expect(h.api.callsTo("oauth.v2.access").length).toBe(before);
  });

  it("an install link for an existing tenant must be signed, unexpired and for that tenant", async () => {
    const exp = Date.now() + 60_000;
    const refused = [
      "?tenant=demo-b&sig=nope",
      `?tenant=demo-b&sig=${tenantInstallSig(h.deps.secret, "demo-b", exp)}`, // exp missing
      `?tenant=demo-b&exp=${exp + 1}&sig=${tenantInstallSig(h.deps.secret, "demo-b", exp)}`, // exp changed
      `?tenant=demo-b&exp=${exp}&sig=${tenantInstallSig(h.deps.secret, "demo", exp)}`, // other tenant's sig
      tenantInstallQuery(h.deps.secret, "demo-b", Date.now() - 2 * 60_000, 60_000), // expired a minute ago
      `?tenant=demo-b&exp=${exp}&sig=${tenantInstallSig("another-secret-0123456789", "demo-b", exp)}`,
    ];
    for (const q of refused) {
      const res = await h.http.request(`/slack/install${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 403 });
      expect(await res.text()).toContain("expired or not valid");
    }
  });

  it("installs with a good state (once), links the team to the tenant and seals the token", async () => {
    const { state, cookie } = await begin(tenantInstallQuery(h.deps.secret, "demo-b", Date.now()));
    const ok = await finish(state, cookie);
    expect(ok.status).toBe(200);
    expect((await finish(state, cookie)).status).toBe(400);
    const demoB = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo-b")))[0]!;
    expect(await tenantForChannel(h.deps.db, "slack", "T0HARBOR")).toBe(demoB.id);
    const [row] = await installRows(demoB.id);
    expect(row!.botToken.startsWith("v1:")).toBe(true);
    expect(row!.botToken).not.toContain("xoxb-harbor-1");
  });

  it("events from the installed team are answered with its token; the token is rotated when it nears expiry", async () => {
    const demoB = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo-b")))[0]!;
    await h.deps.db.tenantTx(demoB.id, (tx) =>
      tx.update(slackInstallations).set({ botTokenExpiresAt: new Date(Date.now() + 60_000) }),
    );
    await h.event(
      {
        type: "app_mention",
        user: "U0HARBOR",
        text: "<@UHARBORBOT> deals",
        ts: "1700000900.000100",
        channel: "C0HARBOR",
        event_ts: "1700000900.000100",
      },
      { team: "T0HARBOR" },
    );
    await h.runtime.idle();
    const post = h.api.callsTo("chat.postMessage").find((c) => c.params.channel === "C0HARBOR");
    expect(post?.token).toBe("xoxb-harbor-2");
    expect(h.api.callsTo("oauth.v2.access").some((c) => c.params.grant_type === "refresh_token")).toBe(true);
  });

  it("app_uninstalled removes the installation and nothing calls Slack for that team afterwards", async () => {
    const demoB = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo-b")))[0]!;
    await h.event({ type: "app_uninstalled", event_ts: "1700001000.000100" }, { team: "T0HARBOR" });
    await h.runtime.idle();
    expect(await installRows(demoB.id)).toHaveLength(0);
    const before = h.api.calls.length;
    await h.event(
      {
        type: "app_mention",
        user: "U0HARBOR",
        text: "<@UHARBORBOT> deals",
        ts: "1700001100.000100",
        channel: "C0HARBOR",
        event_ts: "1700001100.000100",
      },
      { team: "T0HARBOR" },
    );
    await h.runtime.idle();
    expect(h.api.calls.length).toBe(before);
  });

  it("a new workspace without a tenant gets its own tenant, owned by the installer", async () => {
    h.api.oauthAccess = () => ({
      ok: true,
      app_id: "A0KEEL",
      authed_user: { id: "U0NEWOWNER" },
      scope: "chat:write",
      access_token: "xoxb-new-1",
      bot_user_id: "UNEWBOT",
      team: { id: "T0NEWCO", name: "New Co" },
      enterprise: null,
      is_enterprise_install: false,
    });
    const { state, cookie } = await begin();
    expect((await finish(state, cookie)).status).toBe(200);
    const tenantId = await tenantForChannel(h.deps.db, "slack", "T0NEWCO");
    const [t] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId!));
    expect(t!.name).toBe("New Co");
  });

  it("a workspace named Demo with id B gets a new tenant: it never adopts tenant demo-b by its slug", async () => {
    h.api.oauthAccess = () => ({
      ok: true,
      app_id: "A0KEEL",
      authed_user: { id: "U0MALLORY" },
      scope: "chat:write,commands",
      access_token: "xoxb-mallory-1",
      bot_user_id: "UMALLORYBOT",
      team: { id: "B", name: "Demo" },
      enterprise: null,
      is_enterprise_install: false,
    });
    // A clean demo-b: unlinked from Slack, so nothing but a name collision could lead there.
    const demoB = (await h.deps.db.orm.select().from(tenants).where(eq(tenants.slug, "demo-b")))[0]!;
    expect(await tenantForChannel(h.deps.db, "slack", "B")).toBeNull();
    const { state, cookie } = await begin();
    expect((await finish(state, cookie)).status).toBe(200);
    const tenantId = await tenantForChannel(h.deps.db, "slack", "B");
    expect(tenantId).not.toBeNull();
    expect(tenantId).not.toBe(demoB.id);
    const [t] = await h.deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId!));
    expect(t!.name).toBe("Demo");
    expect(t!.slug).not.toBe("demo-b");
    // The installer owns the new tenant and nothing in demo-b.
    expect((await actorForIdentity(h.deps.db, tenantId!, "slack", "U0MALLORY"))?.role).toBe("owner");
    expect(await actorForIdentity(h.deps.db, demoB.id, "slack", "U0MALLORY")).toBeUndefined();
    // And /keel deals from that workspace shows none of demo-b's deals.
    const { responseId } = await h.command("/keel", "deals", "U0MALLORY", {
      team_id: "B",
      team_domain: "demo",
    });
    await h.runtime.idle();
    const answer = JSON.stringify(h.api.responsesFor(responseId).map((r) => r.body));
    expect(answer.length).toBeGreaterThan(2);
    for (const deal of ["Seaside Café", "Marina Hotel", "Lighthouse School", "Acme"])
      expect(answer).not.toContain(deal);
  });

  it("a second install of a workspace with the same name gets yet another tenant", async () => {
    h.api.oauthAccess = () => ({
      ok: true,
      app_id: "A0KEEL",
      authed_user: { id: "U0OTHER" },
      scope: "chat:write",
      access_token: "xoxb-other-1",
      bot_user_id: "UOTHERBOT",
      team: { id: "T0SECONDDEMO", name: "Demo" },
      enterprise: null,
      is_enterprise_install: false,
    });
    const { state, cookie } = await begin();
    expect((await finish(state, cookie)).status).toBe(200);
    const second = await tenantForChannel(h.deps.db, "slack", "T0SECONDDEMO");
    expect(second).not.toBe(await tenantForChannel(h.deps.db, "slack", "B"));
    expect((await actorForIdentity(h.deps.db, second!, "slack", "U0OTHER"))?.role).toBe("owner");
  });
});
