import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import cron, { type ScheduledTask } from "node-cron";
import type { Deps } from "../core/deps.js";
import { span } from "../core/infra/telemetry/trace.js";
import { releaseRuns, runClaimed } from "./claims.js";
import { previousSlot } from "./cron-slots.js";
import { jobMetrics } from "./metrics.js";
import type { JobDefinition, JobHooks, JobResult } from "./types.js";

export const DEFAULT_LEASE_MS = 10 * 60_000;

export type FireOutcome =
  | { job: string; status: "succeeded"; fireKey: string; result?: JobResult }
  | { job: string; status: "failed"; fireKey: string; error: string }
  | {
      job: string;
      status: "skipped";
      fireKey?: string;
      reason: "claimed-elsewhere" | "no-slot" | "stopping";
    };

export interface SchedulerOptions {
  /** Identity in `job_runs.claimed_by`; default host:pid:random. */
  runner?: string;
  hooks?: JobHooks;
  /** Start node-cron timers (default true; tests drive `fire` directly). */
  timers?: boolean;
}

export interface Scheduler {
  readonly runner: string;
  /** Runs the latest missed fire of each job once (catch-up), then starts the cron timers. */
  start(): Promise<FireOutcome[]>;
  /** Claims and runs the job's slot at the clock's now (or `at`); skipped when already claimed. */
  fire(name: string, at?: Date): Promise<FireOutcome>;
  /** Stops timers, lets running fires finish for `graceMs`, then releases what is still claimed. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The job scheduler: node-cron triggers, Postgres decides. Every fire maps to its slot (the latest
 * cron match ≤ now) and the key `job:slot`; the first replica to insert that key into `job_runs`
 * runs it, the others skip. A late timer or a restart maps to the same slot, so nothing runs twice,
 * and after downtime only the latest slot runs (once).
 */
export function createScheduler(
  deps: Deps,
  jobs: readonly JobDefinition[],
  opts: SchedulerOptions = {},
): Scheduler {
  const runner = opts.runner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const hooks = opts.hooks ?? {};
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const tasks: ScheduledTask[] = [];
  const inflight = new Set<Promise<FireOutcome>>();
  const claimed = new Set<string>();
  const claims = { add: (id: string) => claimed.add(id), delete: (id: string) => claimed.delete(id) };
  const abort = new AbortController();
  const metrics = jobMetrics(deps.metrics);
  let stopping = false;

  async function runFire(job: JobDefinition, at: Date): Promise<FireOutcome> {
    if (stopping) return { job: job.name, status: "skipped", reason: "stopping" };
    const slot = previousSlot(job.schedule, at);
    if (!slot) return { job: job.name, status: "skipped", reason: "no-slot" };
    const fireKey = `${job.name}:${slot.toISOString()}${job.perRunner ? `:${runner}` : ""}`;
    if (job.trace === false) return claimAndRun(job, at, slot, fireKey);
    // Each run is the root of its own trace; what it enqueues is delivered in that trace.
    const attributes = { "keel.job.name": job.name, "keel.job.slot": slot.toISOString() };
    return span(`job ${job.name}`, { root: true, attributes }, async (s) => {
      const out = await claimAndRun(job, at, slot, fireKey);
      s.setAttributes({ "keel.job.status": out.status });
      if (out.status === "failed") s.fail({ name: "JobFailed" });
      return out;
    });
  }

  async function claimAndRun(
    job: JobDefinition,
    at: Date,
    slot: Date,
    fireKey: string,
  ): Promise<FireOutcome> {
    const log = deps.logger.child({ job: job.name, fireKey, runner });
    const r = await runClaimed(
      deps,
      claims,
      { job: job.name, fireKey, scope: "global", runner, now: at, leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS },
      async () =>
        (await job.run(deps, { now: at, slot, signal: abort.signal, runner, claims, hooks, log })) ??
        undefined,
    );
    if (r.status === "skipped") {
      metrics.runs.inc({ job: job.name, status: "skipped" });
      return { job: job.name, status: "skipped", fireKey, reason: "claimed-elsewhere" };
    }
    metrics.runs.inc({ job: job.name, status: r.status });
    metrics.duration.observe({ job: job.name }, r.durationMs / 1000);
    if (r.status === "succeeded") {
      log.info({ ms: Math.round(r.durationMs), ...r.value }, "job run succeeded");
      return { job: job.name, status: "succeeded", fireKey, result: r.value };
    }
    log.error({ err: r.error, ms: Math.round(r.durationMs) }, "job run failed");
    const error = (r.error as Error)?.message ?? String(r.error);
    return { job: job.name, status: "failed", fireKey, error };
  }

  function fire(name: string, at?: Date): Promise<FireOutcome> {
    const job = byName.get(name);
    if (!job) return Promise.reject(new Error(`unknown job ${name}`));
    const p = runFire(job, at ?? deps.clock.now());
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  }

  return {
    runner,
    fire,
    async start() {
      const outcomes: FireOutcome[] = [];
      for (const job of jobs) if (job.catchUp !== false) outcomes.push(await fire(job.name));
      if (opts.timers !== false)
        for (const job of jobs)
          tasks.push(
            cron.schedule(
              job.schedule,
              () => {
                void fire(job.name).catch((err) =>
                  deps.logger.error({ err, job: job.name }, "job fire crashed"),
                );
              },
              { name: `keel:${job.name}`, timezone: "UTC", noOverlap: true },
            ),
          );
      deps.logger.info(
        {
          runner,
          jobs: jobs.map((j) => j.name),
          caughtUp: outcomes.filter((o) => o.status === "succeeded").length,
        },
        "scheduler started",
      );
      return outcomes;
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      for (const t of tasks) await t.destroy();
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((r) => (timer = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timer);
      if (claimed.size) {
        deps.logger.warn({ released: claimed.size }, "releasing unfinished job claims");
        await releaseRuns(deps, [...claimed], deps.clock.now());
        claimed.clear();
      }
    },
  };
}
