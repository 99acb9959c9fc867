import { pruneRuns } from "./claims.js";
import type { JobDefinition } from "./types.js";

export const JOB_RUNS_RETENTION_DAYS = 30;

/** Daily: forget finished job runs older than the retention (fire keys of old slots are never claimed again). */
export const jobRunsPruneJob: JobDefinition = {
  name: "job-runs-prune",
  schedule: "15 3 * * *",
  description: `Delete finished job_runs older than ${JOB_RUNS_RETENTION_DAYS} days`,
  async run(deps, ctx) {
    const n = await pruneRuns(deps, new Date(ctx.now.getTime() - JOB_RUNS_RETENTION_DAYS * 86_400_000));
    return { deleted: n };
  },
};
