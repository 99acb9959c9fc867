import { anomalyScanJob } from "./anomaly-scan.job.js";
import { digestsJob } from "./digests.job.js";
import { draftEscalationsJob } from "./draft-escalations.job.js";
import { draftExpiryJob } from "./draft-expiry.job.js";
import { goalCheckinsJob } from "./goal-checkins.job.js";
import { inboxRecoveryJob } from "./inbox-recovery.job.js";
import { jobRunsPruneJob } from "./job-runs-prune.job.js";
import { outboxDispatchJob } from "./outbox-dispatch.job.js";
import { overdueInvoicesJob } from "./overdue-invoices.job.js";
import { pipedriveSyncJob } from "./pipedrive-sync.job.js";
import { stripeSyncJob } from "./stripe-sync.job.js";
import { stuckDealsJob } from "./stuck-deals.job.js";
import type { JobDefinition } from "./types.js";

export {
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
};

/** Every job `keel start` schedules. */
export const ALL_JOBS: readonly JobDefinition[] = [
  outboxDispatchJob,
  inboxRecoveryJob,
  digestsJob,
  anomalyScanJob,
  stuckDealsJob,
  overdueInvoicesJob,
  goalCheckinsJob,
  draftExpiryJob,
  draftEscalationsJob,
  jobRunsPruneJob,
  stripeSyncJob,
  pipedriveSyncJob,
];
