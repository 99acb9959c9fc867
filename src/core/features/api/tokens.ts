import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { apiTokens, memberships, users } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import type { Actor, Role } from "../auth/index.js";
import { roleAllows, type Scope } from "./scopes.js";

/**
 * `keel_<prefix>_<secret>`: the prefix (12 hex) is public and unique — it finds the row and is what
 * `keel token list` shows; the secret is 32 random bytes. Only sha256(token) is stored: the token has
 * 256 bits of entropy, so a slow password hash buys nothing. Compared in constant time.
 */
const TOKEN_RE = /^keel_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per token (no write on every request). */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  email: string;
  role: Role;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The authenticated caller of one request. */
export interface ApiCaller {
  tokenId: string;
  prefix: string;
  actor: Actor;
  scopes: Scope[];
}

export type AuthOutcome =
  | { ok: true; caller: ApiCaller }
  | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" | "no_member" };

/** Creates a token for a user of the tenant; the secret is in the result and nowhere else. */
export async function createApiToken(
  deps: Deps,
  tenantId: string,
  input: { email: string; scopes: Scope[]; name?: string },
): Promise<{ token: string; info: TokenInfo }> {
  if (!input.scopes.length) throw new AppError("bad_input", "A token needs at least one scope.");
  const prefix = randomBytes(6).toString("hex");
  const token = `keel_${prefix}_${randomBytes(32).toString("base64url")}`;
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const [u] = await tx
      .select({ id: users.id, email: users.email, role: memberships.role })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, input.email.toLowerCase()))
      .limit(1);
    if (!u)
      throw new AppError("not_found", `Unknown user "${input.email}" in this company (see keel users list).`);
    const denied = input.scopes.filter((s) => !roleAllows({ role: u.role }, s));
    if (denied.length)
      throw new AppError(
        "forbidden",
        `${u.email} is a ${u.role}; that role may not use ${denied.join(", ")}. A token acts as its user.`,
      );
    const [row] = await tx
      .insert(apiTokens)
      .values({
        tenantId,
        userId: u.id,
        name: input.name ?? `${u.email} ${now.toISOString().slice(0, 10)}`,
        prefix,
        secretHash: sha256(token),
        scopes: input.scopes,
        createdAt: now,
      })
      .returning();
    deps.logger.info({ tenantId, tokenId: row!.id, prefix, scopes: input.scopes }, "api token created");
    return {
      token,
      info: { ...pick(row!), email: u.email, role: u.role },
    };
  });
}

const pick = (r: typeof apiTokens.$inferSelect) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as Scope[],
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

export async function listApiTokens(deps: Deps, tenantId: string): Promise<TokenInfo[]> {
  return deps.db.tenantTx(tenantId, async (tx) => {
    const rows = await tx
      .select({ t: apiTokens, email: users.email, role: memberships.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .orderBy(asc(apiTokens.createdAt));
    return rows.map((r) => ({ ...pick(r.t), email: r.email, role: (r.role ?? "viewer") as Role }));
  });
}

/** Revokes by prefix (or the whole token); returns false when there is no such live token. */
export async function revokeApiToken(deps: Deps, tenantId: string, ref: string): Promise<TokenInfo | null> {
  const prefix = TOKEN_RE.exec(ref)?.[1] ?? ref.replace(/^keel_/, "");
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.prefix, prefix), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) return null;
    deps.logger.info({ tenantId, tokenId: row.id, prefix }, "api token revoked");
    const [u] = await tx
      .select({ email: users.email, role: memberships.role })
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.id, row.userId));
    return { ...pick(row), email: u?.email ?? "", role: (u?.role ?? "viewer") as Role };
  });
}

/**
 * Who is calling: the token's tenant comes from a SECURITY DEFINER lookup by prefix (nothing else is
 * readable before a tenant is set); the hash is compared inside that tenant's RLS transaction; the role
 * is read from the membership now, so a role change or removal applies to existing tokens at once.
 */
export async function authenticateApiToken(deps: Deps, header: string | undefined): Promise<AuthOutcome> {
  if (!header) return { ok: false, reason: "missing" };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = m?.[1];
  const parts = token ? TOKEN_RE.exec(token) : null;
  if (!token || !parts) return { ok: false, reason: "malformed" };
  const prefix = parts[1]!;
  const [found] = await deps.db.rows<{ id: string | null }>(
    sql`select keel_tenant_for_api_token(${prefix}) as id`,
  );
  const tenantId = found?.id;
  if (!tenantId) return { ok: false, reason: "unknown" };
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx): Promise<AuthOutcome> => {
    const [row] = await tx
      .select({ t: apiTokens, name: users.name, email: users.email, role: memberships.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(apiTokens.prefix, prefix))
      .limit(1);
    if (!row) return { ok: false, reason: "unknown" };
    const a = Buffer.from(row.t.secretHash, "hex");
    const b = Buffer.from(sha256(token), "hex");
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "unknown" };
    if (row.t.revokedAt) return { ok: false, reason: "revoked" };
    if (!row.role) return { ok: false, reason: "no_member" };
    if (!row.t.lastUsedAt || now.getTime() - row.t.lastUsedAt.getTime() > TOUCH_EVERY_MS)
      await tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.t.id));
    return {
      ok: true,
      caller: {
        tokenId: row.t.id,
        prefix,
        scopes: row.t.scopes as Scope[],
        actor: { userId: row.t.userId, tenantId, role: row.role, name: row.name, email: row.email },
      },
    };
  });
}
