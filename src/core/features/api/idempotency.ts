import { and, eq, lt, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { idempotencyKeys } from "../../infra/db/schema/index.js";

/** A stored response is replayed for 24 h; a request still "in progress" after 5 min is presumed dead. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const STALE_PENDING_MS = 5 * 60_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyStart =
  | { kind: "new" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

type Result = { state: "pending" } | ({ state: "done" } & StoredResponse);

/**
 * Reserves an Idempotency-Key for a write (one row per tenant and key, committed before the work):
 * a new key → "new"; the same key with the same request → the stored response; with a different
 * request (fingerprint) → "mismatch"; while the first is still running → "in_progress". Expired rows
 * are replaced.
 */
export async function startIdempotent(
  deps: Deps,
  tenantId: string,
  key: string,
  fingerprint: string,
): Promise<IdempotencyStart> {
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    await tx.delete(idempotencyKeys).where(
      and(
        eq(idempotencyKeys.key, key),
        sql`(${idempotencyKeys.createdAt} < ${new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()}
            or (${idempotencyKeys.result}->>'state' = 'pending' and ${idempotencyKeys.createdAt} < ${new Date(now.getTime() - STALE_PENDING_MS).toISOString()}))`,
      ),
    );
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ tenantId, key, scope: fingerprint, result: { state: "pending" }, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) return { kind: "new" };
    const [row] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).limit(1);
    if (!row) return { kind: "in_progress" };
    if (row.scope !== fingerprint) return { kind: "mismatch" };
    const r = row.result as Result | null;
    if (!r || r.state !== "done") return { kind: "in_progress" };
    return { kind: "replay", response: { status: r.status, body: r.body } };
  });
}

/** Stores the response of a reserved key (so a retry gets exactly it). */
export async function finishIdempotent(deps: Deps, tenantId: string, key: string, response: StoredResponse) {
  await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .update(idempotencyKeys)
      .set({ result: { state: "done", ...response } as Record<string, unknown> })
      .where(eq(idempotencyKeys.key, key)),
  );
}

/** Frees a reserved key after a failure on our side, so the client can retry with it. */
export async function abandonIdempotent(deps: Deps, tenantId: string, key: string) {
  await deps.db.tenantTx(tenantId, (tx) => tx.delete(idempotencyKeys).where(eq(idempotencyKeys.key, key)));
}

/** Drops expired API keys of a tenant (called now and then by writes; cheap with the primary key). */
export async function pruneIdempotent(deps: Deps, tenantId: string) {
  const cutoff = new Date(deps.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
  await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .delete(idempotencyKeys)
      .where(and(sql`${idempotencyKeys.key} like 'api:%'`, lt(idempotencyKeys.createdAt, cutoff))),
  );
}
