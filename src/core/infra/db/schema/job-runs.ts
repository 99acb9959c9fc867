import { integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, ts } from "./_columns.js";

/** One row per job fire. `fireKey` (job, tenant, channel, period) is unique, so a fire is claimed once
 *  across replicas. Holds no tenant data (errors are codes), hence no tenant column / RLS. */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: id(),
    job: text("job").notNull(),
    fireKey: text("fire_key").notNull(),
    scope: text("scope"),
    status: text("status", { enum: ["claimed", "running", "succeeded", "failed", "released"] }).notNull(),
    claimedBy: text("claimed_by"),
    startedAt: ts("started_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
    durationMs: integer("duration_ms"),
    error: text("error"),
  },
  (t) => [uniqueIndex("job_runs_fire_key").on(t.fireKey)],
);
