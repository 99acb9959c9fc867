import type { Starter } from "../starter.js";
import { createScheduler } from "./scheduler.js";

/**
 * `keel start`: catch up on missed fires once, then schedule every job. The returned stop lets
 * running fires finish (up to 10 s) and releases the claims still open so another replica takes
 * them right away instead of waiting for the lease.
 */
export const jobsStarter: Starter = async (keel) => {
  const { ALL_JOBS } = await import("./all-jobs.js");
  const scheduler = createScheduler(keel.deps, ALL_JOBS);
  // Catch-up runs in the background: the HTTP server should not wait for a backlog of digests.
  void scheduler.start().catch((err) => keel.deps.logger.error({ err }, "scheduler start failed"));
  return () => scheduler.stop(10_000);
};
