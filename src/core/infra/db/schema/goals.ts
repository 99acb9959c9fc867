import { date, jsonb, numeric, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts } from "./_columns.js";

export const goals = pgTable("goals", {
  id: id(),
  tenantId: tenantId(),
  createdBy: uuid("created_by"),
  metricKey: text("metric_key").notNull(),
  title: text("title").notNull(),
  unit: text("unit").notNull().default(""),
  baseline: numeric("baseline", { precision: 20, scale: 4, mode: "number" }),
  target: numeric("target", { precision: 20, scale: 4, mode: "number" }).notNull(),
  startOn: date("start_on", { mode: "string" }).notNull(),
  deadline: date("deadline", { mode: "string" }).notNull(),
  status: text("status", { enum: ["proposed", "active", "achieved", "missed", "abandoned"] })
    .notNull()
    .default("proposed"),
  /** How the goal's metric is measured (aggregation, window). */
  query: jsonb("query").$type<Record<string, unknown>>().notNull().default({}),
  /** The validator's findings, kept for traceability. */
  validation: jsonb("validation").$type<Record<string, unknown>>().notNull().default({}),
  acceptedAt: ts("accepted_at"),
  createdAt: createdAt(),
});

export const goalCheckins = pgTable("goal_checkins", {
  id: id(),
  tenantId: tenantId(),
  goalId: uuid("goal_id")
    .notNull()
    .references(() => goals.id, { onDelete: "cascade" }),
  at: ts("at").notNull().defaultNow(),
  actual: numeric("actual", { precision: 20, scale: 4, mode: "number" }).notNull(),
  expected: numeric("expected", { precision: 20, scale: 4, mode: "number" }).notNull(),
  note: text("note"),
});
