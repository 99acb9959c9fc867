import { sql } from "drizzle-orm";
import type { Deps } from "../core/deps.js";
import { resultRows, type Tx } from "../core/infra/db/client.js";
import { asAppError } from "../core/kernel/errors.js";

export interface ClaimRequest {
  job: string;
  /** (job, tenant, channel, period) — unique in `job_runs`. */
  fireKey: string;
  /** What the fire covers, e.g. "global" or a tenant id (ids only, no tenant data). */
  scope?: string;
  runner: string;
  now: Date;
  /** A running claim older than this is considered abandoned (its runner died) and may be taken. */
  leaseMs: number;
  /** Also take over a failed fire after this long (digests retry; periodic jobs wait for the next slot). */
  retryFailedAfterMs?: number;
}

/**
 * Claims a fire once across replicas: one INSERT on the unique `fire_key`. It succeeds for the first
 * runner; later ones get nothing — unless the fire was released (graceful shutdown), its lease ran
 * out (the runner died: SIGKILL, OOM, lost node), or it failed and retries are allowed. Returns the
 * run id, or null when someone else has it (or it is done).
 */
export async function claimFire(deps: Deps, r: ClaimRequest): Promise<string | null> {
  const staleBefore = new Date(r.now.getTime() - r.leaseMs).toISOString();
  const failedBefore =
    r.retryFailedAfterMs === undefined
      ? null
      : new Date(r.now.getTime() - r.retryFailedAfterMs).toISOString();
  const res = await deps.db.orm.execute(sql`
    insert into job_runs (job, fire_key, scope, status, claimed_by, started_at)
    values (${r.job}, ${r.fireKey}, ${r.scope ?? null}, 'running', ${r.runner}, ${r.now.toISOString()}::timestamptz)
    on conflict (fire_key) do update
      set status = 'running', claimed_by = excluded.claimed_by, started_at = excluded.started_at,
          finished_at = null, duration_ms = null, error = null
      where job_runs.status = 'released'
         or (job_runs.status in ('claimed', 'running') and job_runs.started_at < ${staleBefore}::timestamptz)
         or (job_runs.status = 'failed' and ${failedBefore}::timestamptz is not null and job_runs.started_at < ${failedBefore}::timestamptz)
    returning id`);
  return resultRows<{ id: string }>(res)[0]?.id ?? null;
}

export interface RunOutcome {
  /** Who finishes it: a claim released or taken over meanwhile is not overwritten. */
  runner: string;
  status: "succeeded" | "failed";
  durationMs: number;
  error?: unknown;
  now: Date;
}

/** A short, data-free description of an error for `job_runs.error` (the full error goes to the log). */
export function errorCode(e: unknown): string {
  const err = asAppError(e);
  const cause = (err.cause as Error | undefined) ?? err;
  return `${err.code}:${cause?.name ?? "Error"}`.slice(0, 200);
}

const finishSql = (id: string, o: RunOutcome) => sql`
  update job_runs set status = ${o.status}, finished_at = ${o.now.toISOString()}::timestamptz,
    duration_ms = ${Math.round(o.durationMs)}, error = ${o.error === undefined ? null : errorCode(o.error)}
  where id = ${id} and status = 'running' and claimed_by = ${o.runner}`;

/** Records how a claimed fire ended. */
export async function finishRun(deps: Deps, id: string, o: RunOutcome): Promise<void> {
  await deps.db.orm.execute(finishSql(id, o));
}

/** The same inside a transaction, so the outcome commits together with the work (digest + outbox). */
export async function finishRunTx(tx: Tx, id: string, o: RunOutcome): Promise<void> {
  await tx.execute(finishSql(id, o));
}

/** Gives a claim back (graceful shutdown before the work committed) so another replica takes it now. */
export async function releaseRuns(deps: Deps, ids: readonly string[], now: Date): Promise<void> {
  for (const id of ids)
    await deps.db.orm.execute(
      sql`update job_runs set status = 'released', finished_at = ${now.toISOString()}::timestamptz where id = ${id} and status = 'running'`,
    );
}
