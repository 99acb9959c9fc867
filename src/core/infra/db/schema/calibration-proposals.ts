import { sql } from "drizzle-orm";
import { index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts } from "./_columns.js";
import { stages } from "./stages.js";

export const PROPOSAL_STATUSES = ["pending", "approved", "rejected", "superseded"] as const;

export interface ProposedChange {
  from: number;
  to: number;
  /** Observations behind the learned value. */
  n: number;
}

/**
 * A learned stage setting the owner may adopt (from the cash calibration): approve writes the
 * stage and a `stage_setting_changes` row; reject dismisses. One pending proposal per stage.
 */
export const calibrationProposals = pgTable(
  "calibration_proposals",
  {
    id: id(),
    tenantId: tenantId(),
    /** Short human number per tenant ("approve calibration 3"). */
    seq: integer("seq").notNull(),
    stageId: uuid("stage_id")
      .notNull()
      .references(() => stages.id, { onDelete: "cascade" }),
    changes: jsonb("changes").$type<{ probability?: ProposedChange; cycleDays?: ProposedChange }>().notNull(),
    status: text("status", { enum: PROPOSAL_STATUSES }).notNull().default("pending"),
    decidedBy: uuid("decided_by"),
    decidedAt: ts("decided_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("calibration_proposals_tenant_seq").on(t.tenantId, t.seq),
    index("calibration_proposals_stage").on(t.tenantId, t.stageId, t.status),
    uniqueIndex("calibration_proposals_one_pending").on(t.tenantId, t.stageId).where(sql`status = 'pending'`),
  ],
);

/** History of stage settings changed by a decision (who, when, from → to, why). */
export const stageSettingChanges = pgTable(
  "stage_setting_changes",
  {
    id: id(),
    tenantId: tenantId(),
    stageId: uuid("stage_id")
      .notNull()
      .references(() => stages.id, { onDelete: "cascade" }),
    field: text("field", { enum: ["probability", "cycle_days"] }).notNull(),
    fromValue: numeric("from_value", { mode: "number" }).notNull(),
    toValue: numeric("to_value", { mode: "number" }).notNull(),
    reason: text("reason").notNull(),
    proposalId: uuid("proposal_id").references(() => calibrationProposals.id),
    changedBy: uuid("changed_by"),
    changedAt: ts("changed_at").notNull().defaultNow(),
  },
  (t) => [index("stage_setting_changes_stage").on(t.tenantId, t.stageId)],
);
