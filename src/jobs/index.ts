/** Scheduled jobs: definitions, the scheduler, and the starter `keel start` runs. */

export {
  ALL_JOBS,
  anomalyScanJob,
  digestsJob,
  draftEscalationsJob,
  draftExpiryJob,
  goalCheckinsJob,
  inboxRecoveryJob,
  jobRunsPruneJob,
  outboxDispatchJob,
  overdueInvoicesJob,
  pipedriveSyncJob,
  stripeSyncJob,
  stuckDealsJob,
} from "./all-jobs.js";
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
