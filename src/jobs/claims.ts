import { sql } from "drizzle-orm";
import type { Deps } from "../core/deps.js";
import { resultRows, type Tx } from "../core/infra/db/client.js";
import { asAppError } from "../core/kernel/errors.js";
import type { ClaimTracker } from "./types.js";

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

/** Forgets finished runs that started before `before` (their slots are never claimed again). */
export async function pruneRuns(deps: Deps, before: Date): Promise<number> {
  const rows = await deps.db.rows<{ id: string }>(
    sql`delete from job_runs where started_at < ${before.toISOString()}::timestamptz and status in ('succeeded', 'failed', 'released') returning id`,
  );
  return rows.length;
}

/** The claimed fire as the work sees it. */
export interface ClaimedFire {
  runId: string;
  /** Records success inside the work's own transaction, so the record commits with the work. */
  succeedIn(tx: Tx): Promise<void>;
}

export type ClaimedOutcome<T> =
  | { status: "skipped" }
  | { status: "succeeded"; value: T; durationMs: number }
  | { status: "failed"; error: unknown; durationMs: number };

/**
 * Every job claims its fire the same way: claim the key once across replicas (skipped when another
 * runner has it), track the claim so shutdown can release it, run the work, and record how it
 * ended — succeeded (unless the work already did so in its transaction) or failed with a data-free
 * error code. The work's error is returned, not thrown: each caller logs and counts it its own way.
 */
export async function runClaimed<T>(
  deps: Deps,
  claims: ClaimTracker,
  req: ClaimRequest,
  work: (fire: ClaimedFire) => Promise<T>,
): Promise<ClaimedOutcome<T>> {
  const runId = await claimFire(deps, req);
  if (!runId) return { status: "skipped" };
  claims.add(runId);
  const started = performance.now();
  let recorded = false;
  const outcome = (status: RunOutcome["status"], error?: unknown): RunOutcome => ({
    runner: req.runner,
    status,
    durationMs: performance.now() - started,
    now: deps.clock.now(),
    ...(error === undefined ? {} : { error }),
  });
  try {
    const value = await work({
      runId,
      async succeedIn(tx) {
        await finishRunTx(tx, runId, outcome("succeeded"));
        recorded = true;
      },
    });
    if (!recorded) await finishRun(deps, runId, outcome("succeeded"));
    return { status: "succeeded", value, durationMs: performance.now() - started };
  } catch (error) {
    // A transaction that recorded success and then rolled back left the run 'running': mark it failed.
    await finishRun(deps, runId, outcome("failed", error)).catch(() => {});
    return { status: "failed", error, durationMs: performance.now() - started };
  } finally {
    claims.delete(runId);
  }
}
