import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenCommand } from "../../../src/cli/token.js";
import { createApiToken, revokeApiToken } from "../../../src/core/features/api/index.js";
import { setUserRole } from "../../../src/core/features/company/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { apiTokens } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call, tenantFingerprint } from "../../support/api-client.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Who may call the API: every refusal is a 401/403 application/problem+json and touches no row in
 * either company. Tokens act as their user: the role limits what the scopes allow.
 */
const clock = fixedClock("2026-11-02T09:00:00Z");
let d: TestDeps;
let app: ReturnType<typeof createHttpApp>;
let demo: string;
let harbor: string;
const tok = async (tenantId: string, email: string, scopes: Parameters<typeof createApiToken>[2]["scopes"]) =>
  (await createApiToken(d, tenantId, { email, scopes })).token;
const both = async () => ({ a: await tenantFingerprint(d, demo), b: await tenantFingerprint(d, harbor) });

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  return { io: { stdout: sink(out), stderr: sink(err) }, out: () => out.join(""), err: () => err.join("") };
}

beforeAll(async () => {
  d = await createTestDeps({}, { clock });
  await loadDemo(d);
  demo = (await requireTenant(d.db, "demo")).id;
  harbor = (await requireTenant(d.db, "demo-b")).id;
  app = createHttpApp(d);
});
afterAll(() => d?.cleanup());

const move = { stage: "Negotiation" };
const newDeal = { items: [{ name: "Sneaky Deal", stage: "Qualified", value: "100.00" }] };

describe("401: no, malformed, unknown and revoked tokens", () => {
  it.each([
    ["no header", undefined],
    ["empty bearer", "Bearer "],
    ["basic auth", "Basic b3duZXI6cGFzcw=="],
    ["not a keel token", "Bearer sk-live-0123456789abcdef"],
    ["keel token with a short secret", "Bearer keel_0123456789ab_short"],
    ["keel token with a bad prefix", "Bearer keel_ZZZZZZZZZZZZ_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["SQL in the token", "Bearer keel_0123456789ab_' or 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["unknown well-formed token", "Bearer keel_0123456789ab_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
  ])("%s → 401 problem, WWW-Authenticate, nothing touched", async (_name, header) => {
    const before = await both();
    const headers: Record<string, string> = header ? { authorization: header } : {};
    for (const [method, path, json] of [
      ["GET", "/api/v1/deals", undefined],
      ["POST", "/api/v1/deals", newDeal],
    ] as const) {
      const r = await call(app, method, path, { headers, json });
      expect(r.status).toBe(401);
      expect(r.type).toBe("application/problem+json");
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(r.body).toMatchObject({ status: 401, title: "Unauthorized", instance: path });
      expect(r.body.type).toMatch(/unauthorized$/);
    }
    expect(await both()).toEqual(before);
  });

  it("a valid token with one character changed is refused (hash compared, not the prefix)", async () => {
    const t = await tok(demo, "owner@demo.example", ["deals:read"]);
    const last = t.at(-1) === "A" ? "B" : "A";
    expect((await call(app, "GET", "/api/v1/deals", { token: t })).status).toBe(200);
    expect((await call(app, "GET", "/api/v1/deals", { token: t.slice(0, -1) + last })).status).toBe(401);
  });

  it("a revoked token gets 401 'revoked' and writes nothing", async () => {
    const t = await tok(demo, "owner@demo.example", ["deals:read", "deals:write"]);
    expect((await call(app, "GET", "/api/v1/deals", { token: t })).status).toBe(200);
    expect(await revokeApiToken(d, demo, t.split("_")[1]!)).not.toBeNull();
    const before = await both();
    const r = await call(app, "POST", "/api/v1/deals", { token: t, json: newDeal });
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/revoked/);
    expect(await both()).toEqual(before);
  });
});

describe("403: scopes, roles and the other company", () => {
  it("a token without the scope is refused before the body is even looked at", async () => {
    const t = await tok(demo, "owner@demo.example", ["deals:read"]);
    const before = await both();
    for (const [method, path, json] of [
      ["POST", "/api/v1/deals", newDeal],
      ["POST", "/api/v1/deals", { items: "garbage" }],
      ["GET", "/api/v1/invoices", undefined],
      ["GET", "/api/v1/cashflow?on=2026-12-31", undefined],
      ["POST", "/api/v1/metric-points", { items: [{ metric: "x", date: "2026-01-01", value: 1 }] }],
    ] as const) {
      const r = await call(app, method, path, { token: t, json });
      expect(r.status, path).toBe(403);
      expect(r.type).toBe("application/problem+json");
      expect(r.body.type).toMatch(/missing-scope$/);
    }
    expect(await both()).toEqual(before);
  });

  it("a token cannot be created with scopes its user's role may not use", async () => {
    await expect(tok(demo, "sam@demo.example", ["cashflow:read"])).rejects.toThrow(
      /rep; that role may not use cashflow:read/,
    );
    await expect(tok(demo, "viewer@demo.example", ["deals:write"])).rejects.toThrow(/viewer/);
    await expect(tok(demo, "nobody@demo.example", ["deals:read"])).rejects.toThrow(/Unknown user/);
  });

  it("the role is read at request time: a finance token whose user became a rep cannot read cash", async () => {
    await setUserRole(d, demo, "lina@demo.example", "finance");
    const t = await tok(demo, "lina@demo.example", ["cashflow:read", "deals:read"]);
    expect((await call(app, "GET", "/api/v1/cashflow?on=2026-12-31", { token: t })).status).toBe(200);
    await setUserRole(d, demo, "lina@demo.example", "rep");
    const r = await call(app, "GET", "/api/v1/cashflow?on=2026-12-31", { token: t });
    expect(r.status).toBe(403);
    expect(r.body.type).toMatch(/role-forbids$/);
    expect(r.body.detail).toMatch(/rep/);
  });

  it("a rep's token lists only the rep's own deals", async () => {
    const all = await tok(demo, "owner@demo.example", ["deals:read"]);
    const rep = await tok(demo, "sam@demo.example", ["deals:read"]);
    const walk = async (token: string) => {
      const seen: { owner_email: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const r = await call(app, "GET", `/api/v1/deals?limit=200${cursor ? `&cursor=${cursor}` : ""}`, {
          token,
        });
        seen.push(...r.body.data);
        cursor = r.body.next_cursor;
      } while (cursor);
      return seen;
    };
    const everything = await walk(all);
    const mine = await walk(rep);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(everything.length);
    expect(new Set(mine.map((x) => x.owner_email))).toEqual(new Set(["sam@demo.example"]));
  });

  it("the other company's token: its deals are invisible (404) and nothing moves in either company", async () => {
    const own = await tok(demo, "owner@demo.example", ["deals:read"]);
    const dealId = (await call(app, "GET", "/api/v1/deals?limit=1", { token: own })).body.data[0].id;
    const other = await tok(harbor, "owner@harbor.example", ["deals:read", "deals:write"]);
    const before = await both();
    expect((await call(app, "GET", `/api/v1/deals/${dealId}`, { token: other })).status).toBe(404);
    const moved = await call(app, "POST", `/api/v1/deals/${dealId}/stage`, { token: other, json: move });
    expect(moved.status).toBe(404);
    expect(moved.type).toBe("application/problem+json");
    const noted = await call(app, "POST", `/api/v1/deals/${dealId}/notes`, {
      token: other,
      json: { body: "hi" },
    });
    expect(noted.status).toBe(404);
    // An integration configured for "demo" but holding Harbor's token is stopped at the door.
    const guarded = await call(app, "POST", "/api/v1/deals", {
      token: other,
      json: newDeal,
      headers: { "keel-tenant": "demo" },
    });
    expect(guarded.status).toBe(403);
    expect(guarded.body.type).toMatch(/wrong-tenant$/);
    expect(await both()).toEqual(before);
  });
});

describe("rate limits per token", () => {
  it("over the limit → 429 problem with Retry-After; another token is not affected", async () => {
    const limited = createHttpApp({
      ...d,
      config: { ...d.config, http: { ...d.config.http, apiRateLimit: 3 } },
    });
    const a = await tok(demo, "owner@demo.example", ["deals:read"]);
    const b = await tok(demo, "owner@demo.example", ["deals:read"]);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(limited, "GET", "/api/v1/deals?limit=1", { token: a })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await call(limited, "GET", "/api/v1/deals?limit=1", { token: a });
    expect(r.type).toBe("application/problem+json");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(r.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await call(limited, "GET", "/api/v1/deals?limit=1", { token: b })).status).toBe(200);
    clock.advance(60_000);
    expect((await call(limited, "GET", "/api/v1/deals?limit=1", { token: a })).status).toBe(200);
  });
});

describe("keel token create|list|revoke", () => {
  const cli = { config: undefined as never, logger: undefined as never };
  it("creates (secret shown once, stored hashed), lists with last use, revokes", async () => {
    // The CLI opens its own deps from the config (this test's Postgres database); on the embedded
    // database a second open would be another, empty one, so the CLI is handed this test's deps.
    const ctx = {
      ...cli,
      config: d.config,
      logger: d.logger,
      ...(process.env.DATABASE_URL ? {} : { deps: d }),
    };
    const c = capture();
    expect(
      await tokenCommand(
        [
          "create",
          "--tenant",
          "demo",
          "--user",
          "finance@demo.example",
          "--scopes",
          "invoices:*,cashflow:read",
        ],
        c.io,
        ctx,
      ),
    ).toBe(0);
    const token = /keel_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(c.out())?.[0];
    expect(token).toBeDefined();
    expect(c.out()).toMatch(/invoices:read, invoices:write, cashflow:read/);
    const stored = await d.db.tenantTx(demo, (tx) => tx.select().from(apiTokens));
    // The secret is everything after "keel_<prefix>_" (base64url: it may itself contain "_").
    const secret = token!.slice("keel_".length + 13);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect((await call(app, "GET", "/api/v1/invoices?limit=1", { token })).status).toBe(200);

    const l = capture();
    expect(await tokenCommand(["list", "--tenant", "demo"], l.io, ctx)).toBe(0);
    const line = l
      .out()
      .split("\n")
      .find((x) => x.startsWith(token!.split("_")[1]!));
    expect(line).toMatch(/active\s+finance@demo\.example\s+finance\s+last used 2026-11-02 09:0/);
    expect(l.out()).not.toContain(secret);

    const r = capture();
    expect(await tokenCommand(["revoke", token!.split("_")[1]!, "--tenant", "demo"], r.io, ctx)).toBe(0);
    expect((await call(app, "GET", "/api/v1/invoices?limit=1", { token })).status).toBe(401);
    const again = capture();
    expect(await tokenCommand(["revoke", token!.split("_")[1]!, "--tenant", "demo"], again.io, ctx)).toBe(1);
  });

  it("refuses unknown scopes and missing flags with the usage", async () => {
    const ctx = { config: d.config, logger: d.logger };
    const bad = capture();
    expect(
      await tokenCommand(
        ["create", "--tenant", "demo", "--user", "owner@demo.example", "--scopes", "deals:read,deals:delete"],
        bad.io,
        ctx,
      ),
    ).toBe(2);
    expect(bad.err()).toMatch(/unknown scope deals:delete/);
    const missing = capture();
    expect(await tokenCommand(["create", "--tenant", "demo"], missing.io, ctx)).toBe(2);
    expect(missing.err()).toMatch(/Usage: keel token create/);
  });
});
