import { boolean, integer, jsonb, numeric, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, tenantId } from "./_columns.js";
import { pipelines } from "./pipelines.js";

/** A pipeline stage with the rules the cashflow and stuck-deal logic read. */
export const stages = pgTable("stages", {
  id: id(),
  tenantId: tenantId(),
  pipelineId: uuid("pipeline_id")
    .notNull()
    .references(() => pipelines.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  position: integer("position").notNull(),
  /** Probability the deal closes, 0..1. */
  probability: numeric("probability", { precision: 4, scale: 3, mode: "number" }).notNull(),
  /** Typical days a deal spends in this stage (cashflow rule). */
  cycleDays: integer("cycle_days").notNull().default(14),
  /** Days in stage after which a deal counts as stuck. */
  stuckAfterDays: integer("stuck_after_days").notNull().default(30),
  /** Documents/facts required in this stage. */
  checklist: jsonb("checklist").$type<string[]>().notNull().default([]),
  isWon: boolean("is_won").notNull().default(false),
  isLost: boolean("is_lost").notNull().default(false),
  /** The deal has been invoiced once it reaches this stage. */
  isInvoiced: boolean("is_invoiced").notNull().default(false),
});
