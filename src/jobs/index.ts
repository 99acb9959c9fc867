/** Scheduled jobs: definitions, the scheduler, and the starter `keel start` runs. */
import { anomalyScanJob } from "./anomaly-scan.job.js";
import { digestsJob } from "./digests.job.js";
import { goalCheckinsJob } from "./goal-checkins.job.js";
import { jobRunsPruneJob } from "./job-runs-prune.job.js";
import { outboxDispatchJob } from "./outbox-dispatch.job.js";
import { overdueInvoicesJob } from "./overdue-invoices.job.js";
import { stuckDealsJob } from "./stuck-deals.job.js";
import type { JobDefinition } from "./types.js";

export {
  type ClaimedFire,
  type ClaimedOutcome,
  claimFire,
  finishRun,
  releaseRuns,
  runClaimed,
} from "./claims.js";
export { previousSlot, validSchedule } from "./cron-slots.js";
export { DIGEST_LEASE_MS, digestFireKey, runDigestUnit } from "./digest-unit.js";
export { createScheduler, type FireOutcome, type Scheduler, type SchedulerOptions } from "./scheduler.js";
export { jobsStarter } from "./starter.js";
export type { JobContext, JobDefinition, JobHooks, JobPoint } from "./types.js";
export {
  anomalyScanJob,
  digestsJob,
  goalCheckinsJob,
  jobRunsPruneJob,
  outboxDispatchJob,
  overdueInvoicesJob,
  stuckDealsJob,
};

/** Every job `keel start` schedules. */
export const ALL_JOBS: readonly JobDefinition[] = [
  outboxDispatchJob,
  digestsJob,
  anomalyScanJob,
  stuckDealsJob,
  overdueInvoicesJob,
  goalCheckinsJob,
  jobRunsPruneJob,
];
