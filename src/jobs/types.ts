import type { Deps } from "../core/deps.js";
import type { Logger } from "../core/infra/logger.js";

/** Points where a job announces progress; a test worker uses them to crash at exact moments. */
export type JobPoint = "before-claim" | "after-claim" | "after-commit";

export interface JobHooks {
  at?(point: JobPoint, info: { job: string; fireKey: string }): void | Promise<void>;
}

/** Claims taken during a run that are not finished yet; released on shutdown. */
export interface ClaimTracker {
  add(runId: string): void;
  delete(runId: string): void;
}

export interface JobContext {
  /** The clock's now when the fire started. */
  now: Date;
  /** The scheduled slot this fire belongs to (≤ now). */
  slot: Date;
  /** Aborted on shutdown: stop taking new units of work. */
  signal: AbortSignal;
  /** This process's identity in `job_runs.claimed_by`. */
  runner: string;
  claims: ClaimTracker;
  hooks: JobHooks;
  log: Logger;
}

/** What a run reports back (kept in logs and metrics; counts only, no tenant data). */
export type JobResult = Record<string, number | string | boolean> | undefined;

/**
 * A scheduled job: a name, a cron schedule (node-cron syntax, UTC; six fields for seconds) and a
 * handler. The scheduler claims each fire once across replicas and records it in `job_runs`.
 */
export interface JobDefinition {
  name: string;
  schedule: string;
  description: string;
  run(deps: Deps, ctx: JobContext): Promise<JobResult>;
  /**
   * Every replica runs each slot (fire key `job:slot:runner`) instead of one: for jobs whose units
   * are claimed one by one anyway (digests, outbox rows), so replicas share a busy minute.
   */
  perRunner?: boolean;
  /** Run the latest missed fire once on start (default true). */
  catchUp?: boolean;
  /** A fire claimed longer ago than this by a silent runner may be taken over (default 10 min). */
  leaseMs?: number;
  /**
   * A trace per run (default true). Sweeps that run every few seconds say false: the turns and
   * outbox messages they pick up carry their own traces, so nothing is lost but the noise.
   */
  trace?: boolean;
}
