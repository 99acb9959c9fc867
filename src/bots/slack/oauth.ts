import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Deps } from "../../core/deps.js";
import { startChatSetup } from "../../core/features/onboarding/index.js";
import { ensureIdentityUser, findTenantBySlug, tenantForChannel } from "../../core/features/tenancy/index.js";
import { tenants } from "../../core/infra/db/schema/index.js";
import type { SlackSettings } from "./config.js";
import type { InstallationRepo } from "./installations.js";
import { renderReply } from "./render/blocks.js";
import { BOT_SCOPES } from "./scopes.js";
import type { ClientFactory } from "./web-client.js";

const STATE_TTL_MS = 10 * 60_000;
const COOKIE = "keel_slack_state";
export const SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize";

const sign = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("base64url");
const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** How long an install link for an existing tenant stays valid by default. */
export const INSTALL_LINK_TTL_MS = 24 * 3_600_000;

/** The signature of an install link for an existing tenant, valid until `exp` (ms since epoch). */
export function tenantInstallSig(secret: string, slug: string, exp: number): string {
  return sign(secret, `install:${slug}:${exp}`);
}

/**
 * The query of an install link that installs a workspace into an existing tenant:
 * `?tenant=SLUG&exp=…&sig=…`, signed with KEEL_SECRET and expiring. It is the only way a workspace
 * joins a tenant that already exists; without it every new workspace gets a brand-new tenant.
 */
export function tenantInstallQuery(
  secret: string,
  slug: string,
  now: number,
  ttlMs = INSTALL_LINK_TTL_MS,
): string {
  const exp = now + ttlMs;
  return `?${new URLSearchParams({ tenant: slug, exp: String(exp), sig: tenantInstallSig(secret, slug, exp) })}`;
}

/** A slug for a brand-new tenant from the workspace name; never the slug of an existing tenant. */
function newTenantSlug(name: string): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "slack";
  return `${base}-${randomBytes(4).toString("hex")}`;
}

function page(title: string, text: string, status: 200 | 400 | 403 | 500): Response {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><h1>${esc(title)}</h1><p>${esc(text)}</p>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );
}

/**
 * OAuth v2 install: /slack/install issues a signed, single-use `state` (also bound to a cookie) and
 * redirects to Slack; /slack/oauth_redirect verifies it, exchanges the code (oauth.v2.access through
 * the configured API URL), stores the installation and links the team to a tenant: the team's
 * existing tenant, the tenant named by a signed install link, or a new tenant for the workspace.
 */
export function oauthRoutes(
  deps: Deps,
  settings: SlackSettings,
  repo: InstallationRepo,
  clients: ClientFactory,
): Hono {
  const oauth = settings.oauth!;
  const log = deps.logger.child({ component: "slack-oauth" });
  const r = new Hono();

  r.get("/slack/install", async (c) => {
    const slug = c.req.query("tenant");
    if (slug) {
      const exp = Number(c.req.query("exp"));
      const sig = c.req.query("sig") ?? "";
      const valid =
        Number.isFinite(exp) && exp > Date.now() && same(sig, tenantInstallSig(deps.secret, slug, exp));
      if (!valid) {
        log.warn({ expired: Number.isFinite(exp) && exp <= Date.now() }, "slack install link rejected");
        return page(
          "Install link not valid",
          "This install link is expired or not valid. Ask an owner of your Keel workspace for a new one.",
          403,
        );
      }
    }
    const nonce = randomBytes(16).toString("base64url");
    const exp = Date.now() + STATE_TTL_MS;
    const payload = `${nonce}.${slug ? Buffer.from(slug).toString("base64url") : ""}.${exp}`;
    const state = `${payload}.${sign(oauth.stateSecret, payload)}`;
    await deps.store.set(`slack:oauth-state:${nonce}`, "1", { ttlMs: STATE_TTL_MS });
    setCookie(c, COOKIE, nonce, {
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: STATE_TTL_MS / 1000,
      path: "/slack",
    });
    const url = new URL(SLACK_AUTHORIZE_URL);
    url.searchParams.set("client_id", oauth.clientId);
    url.searchParams.set("scope", BOT_SCOPES.join(","));
    url.searchParams.set("state", state);
    return c.redirect(url.toString(), 302);
  });

  r.get("/slack/oauth_redirect", async (c) => {
    if (c.req.query("error")) return page("Installation cancelled", "Nothing was installed.", 400);
    const state = c.req.query("state") ?? "";
    const code = c.req.query("code");
    const [nonce = "", slugB64 = "", expRaw = "", mac = ""] = state.split(".");
    const payload = `${nonce}.${slugB64}.${expRaw}`;
    const valid =
      code &&
      nonce &&
      mac &&
      same(mac, sign(oauth.stateSecret, payload)) &&
      Number(expRaw) > Date.now() &&
      getCookie(c, COOKIE) === nonce;
    // Single use: the nonce is deleted whatever happens next.
    const fresh = valid ? await deps.store.get(`slack:oauth-state:${nonce}`) : null;
    if (valid) await deps.store.del(`slack:oauth-state:${nonce}`);
    if (!valid || !fresh) {
      log.warn({ hasCode: Boolean(code) }, "slack oauth state rejected");
      return page("Install link expired or not valid", "Start again from the install page.", 400);
    }
    try {
      const res = (await clients.get().oauth.v2.access({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        code,
      })) as unknown as OAuthAccess;
      const isEnterprise = Boolean(res.is_enterprise_install);
      const teamKey = (isEnterprise ? res.enterprise?.id : res.team?.id) ?? "";
      if (!res.access_token || !teamKey)
        return page("Installation failed", "Slack did not return a bot token.", 500);
      const auth = await clients.get(res.access_token).auth.test();
      const slug = slugB64 ? Buffer.from(slugB64, "base64url").toString() : undefined;
      // The team's tenant: the one it is already linked to (a reinstall), the one named by a signed
      // install link (checked at /slack/install and carried in the signed state), or a brand-new one.
      // Never a tenant found by a name or slug derived from the workspace: that let a workspace
      // called "Demo" adopt tenant demo-b and its installer become that tenant's owner.
      let tenantId = await tenantForChannel(deps.db, "slack", teamKey);
      let created = false;
      if (!tenantId && slug) {
        tenantId = (await findTenantBySlug(deps.db, slug))?.id ?? null;
        if (!tenantId)
          return page("Installation failed", "The Keel workspace of this link no longer exists.", 400);
      }
      if (!tenantId) {
        const name = (isEnterprise ? res.enterprise?.name : res.team?.name) ?? teamKey;
        const [t] = await deps.db.orm
          .insert(tenants)
          .values({ slug: newTenantSlug(name), name })
          .returning({ id: tenants.id });
        tenantId = t!.id;
        created = true;
      }
      await repo.save(tenantId, {
        teamKey,
        teamId: res.team?.id,
        enterpriseId: res.enterprise?.id,
        isEnterpriseInstall: isEnterprise,
        appId: res.app_id,
        botToken: res.access_token,
        botUserId: res.bot_user_id,
        botId: auth.bot_id,
        refreshToken: res.refresh_token,
        expiresAt: res.expires_in ? new Date(Date.now() + res.expires_in * 1000) : undefined,
        scopes: (res.scope ?? "").split(",").filter(Boolean),
        installerUserId: res.authed_user?.id,
        details: { teamName: res.team?.name, enterpriseName: res.enterprise?.name },
      });
      const installer = res.authed_user?.id;
      if (installer && created) {
        // Whoever installs into a brand-new tenant owns it, and is walked through its set-up in a DM.
        // Installing into an existing tenant makes nobody a member: unknown people are asked about.
        await ensureIdentityUser(deps.db, tenantId, "slack", installer, { name: installer, role: "owner" });
        await greetInstaller(deps, clients.get(res.access_token), teamKey, tenantId, installer);
      }
      log.info({ teamKey, created }, "slack app installed");
      return page("Keel is installed", "Open Slack and say hello to Keel, or try /keel help.", 200);
    } catch (err) {
      log.error(
        { err, code: (err as { data?: { error?: string } }).data?.error },
        "slack oauth exchange failed",
      );
      return page("Installation failed", "Slack refused the installation; try again.", 400);
    }
  });
  return r;
}

/** Starts the guided set-up and sends its first question to the installer's DM (failure: logged; it starts on their first DM). */
async function greetInstaller(
  deps: Deps,
  client: ReturnType<ClientFactory["get"]>,
  teamKey: string,
  tenantId: string,
  installer: string,
): Promise<void> {
  try {
    const reply = await startChatSetup(deps, {
      channel: "slack",
      address: `${teamKey}:${installer}`,
      externalId: installer,
      targetTenant: tenantId,
    });
    const [first] = renderReply(reply).messages;
    await client.chat.postMessage({ channel: installer, text: first!.text, blocks: first!.blocks });
  } catch (err) {
    deps.logger.warn({ err, code: (err as { code?: string }).code }, "slack set-up greeting failed");
  }
}

interface OAuthAccess {
  ok: boolean;
  app_id?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  bot_user_id?: string;
  team?: { id: string; name: string } | null;
  enterprise?: { id: string; name: string } | null;
  is_enterprise_install?: boolean;
  authed_user?: { id: string };
}
