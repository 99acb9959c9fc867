import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Deps } from "../../core/deps.js";
import {
  type ApiCaller,
  abandonIdempotent,
  authenticateApiToken,
  finishIdempotent,
  pruneIdempotent,
  roleAllows,
  type Scope,
  startIdempotent,
} from "../../core/features/api/index.js";
import { findTenantBySlug } from "../../core/features/tenancy/index.js";
import { problem } from "./problem.js";

export type ApiEnv = { Variables: { requestId: string; caller: ApiCaller } };

const AUTH_DETAIL: Record<string, string> = {
  missing: "Send an API token: Authorization: Bearer keel_… (keel token create).",
  malformed: "The Authorization header must be `Bearer keel_<prefix>_<secret>`.",
  unknown: "This API token is not valid.",
  revoked: "This API token was revoked.",
  no_member: "The user of this API token is no longer a member of the company.",
};

/**
 * Bearer token → the caller (tenant, user, role, scopes). An optional `Keel-Tenant: SLUG` header is a
 * guard for integrations configured with several companies: a token of another company is refused.
 */
export function authenticate(deps: Deps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const auth = await authenticateApiToken(deps, c.req.header("authorization"));
    if (!auth.ok) {
      deps.logger.warn({ reason: auth.reason, path: c.req.path }, "api auth refused");
      return problem(
        c,
        401,
        "unauthorized",
        AUTH_DETAIL[auth.reason]!,
        {},
        { "www-authenticate": 'Bearer realm="keel"' },
      );
    }
    const slug = c.req.header("keel-tenant");
    if (slug) {
      const t = await findTenantBySlug(deps.db, slug);
      if (!t || t.id !== auth.caller.actor.tenantId)
        return problem(c, 403, "wrong-tenant", `This token does not belong to the company "${slug}".`);
    }
    c.set("caller", auth.caller);
    await next();
  };
}

/**
 * Fixed one-minute window per token in the shared store (Redis when configured, so every replica
 * counts together). Over the limit: 429 with Retry-After.
 */
export function rateLimit(deps: Deps, perMinute: number): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const now = deps.clock.now().getTime();
    const window = Math.floor(now / 60_000);
    const used = await deps.store.incr(`api:rl:${c.var.caller.tokenId}:${window}`, 1, 120_000);
    const reset = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    const headers = {
      "ratelimit-limit": String(perMinute),
      "ratelimit-remaining": String(Math.max(0, perMinute - used)),
      "ratelimit-reset": String(reset),
    };
    if (used > perMinute) {
      deps.logger.warn({ tokenId: c.var.caller.tokenId, used }, "api rate limited");
      return problem(
        c,
        429,
        "rate-limited",
        `At most ${perMinute} requests per minute per token; retry in ${reset} s.`,
        {},
        { ...headers, "retry-after": String(reset) },
      );
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}

/** The token must carry the scope AND its user's role must allow it (a rep's token never reads cash). */
export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { scopes, actor } = c.var.caller;
    if (!scopes.includes(scope))
      return problem(c, 403, "missing-scope", `This token lacks the scope ${scope}.`, { scope });
    if (!roleAllows(actor, scope))
      return problem(
        c,
        403,
        "role-forbids",
        `The token's user is a ${actor.role}; that role may not use ${scope}.`,
        {
          scope,
        },
      );
    await next();
  };
}

const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * `Idempotency-Key` on writes: the first request's response is stored (24 h) and replayed for the same
 * key and body; the same key with another body is a 422 problem; while the first still runs, 409.
 * Refusals that change nothing (401/403/429) and our own failures (5xx) are not stored.
 */
export function idempotency(deps: Deps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const given = c.req.header("idempotency-key");
    if (!WRITE.has(c.req.method) || given === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(given))
      return problem(
        c,
        400,
        "bad-idempotency-key",
        "Idempotency-Key must be 1–255 visible ASCII characters.",
      );
    const { tenantId } = c.var.caller.actor;
    const key = `api:${c.var.caller.tokenId}:${given}`;
    const body = await c.req.text();
    const fingerprint = createHash("sha256").update(`${c.req.method} ${c.req.path}\n${body}`).digest("hex");
    const start = await startIdempotent(deps, tenantId, key, fingerprint);
    if (start.kind === "mismatch")
      return problem(
        c,
        422,
        "idempotency-key-reused",
        "This Idempotency-Key was used with a different request; use a new key for a new request.",
      );
    if (start.kind === "in_progress")
      return problem(
        c,
        409,
        "idempotency-in-progress",
        "A request with this Idempotency-Key is still running.",
      );
    if (start.kind === "replay")
      return new Response(JSON.stringify(start.response.body), {
        status: start.response.status,
        headers: {
          "content-type": start.response.status >= 400 ? "application/problem+json" : "application/json",
          "idempotent-replayed": "true",
        },
      });
    try {
      await next();
    } catch (e) {
      await abandonIdempotent(deps, tenantId, key);
      throw e;
    }
    const status = c.res.status;
    if (status >= 500 || status === 401 || status === 403 || status === 429) {
      await abandonIdempotent(deps, tenantId, key);
      return;
    }
    const stored = await c.res
      .clone()
      .json()
      .catch(() => null);
    await finishIdempotent(deps, tenantId, key, { status, body: stored });
    if (Math.random() < 0.01) await pruneIdempotent(deps, tenantId);
  };
}
