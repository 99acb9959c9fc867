import { date, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, money, tenantId, ts, updatedAt } from "./_columns.js";
import { contacts } from "./contacts.js";
import { pipelines } from "./pipelines.js";
import { stages } from "./stages.js";
import { users } from "./users.js";

export const DEAL_STATUSES = ["open", "won", "lost"] as const;

export const deals = pgTable(
  "deals",
  {
    id: id(),
    tenantId: tenantId(),
    pipelineId: uuid("pipeline_id")
      .notNull()
      .references(() => pipelines.id),
    stageId: uuid("stage_id")
      .notNull()
      .references(() => stages.id),
    name: text("name").notNull(),
    company: text("company"),
    contactId: uuid("contact_id").references(() => contacts.id),
    ownerUserId: uuid("owner_user_id").references(() => users.id),
    valueMinor: money("value_minor").notNull(),
    currency: text("currency").notNull().default("USD"),
    status: text("status", { enum: DEAL_STATUSES }).notNull().default("open"),
    stageEnteredAt: ts("stage_entered_at").notNull().defaultNow(),
    expectedCloseOn: date("expected_close_on", { mode: "string" }),
    nextStep: text("next_step"),
    paymentTermsDays: integer("payment_terms_days"),
    /** Facts gathered for stage checklists, e.g. { "po_attached": true }. */
    facts: jsonb("facts").$type<Record<string, boolean | string>>().notNull().default({}),
    externalId: text("external_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("deals_tenant_stage").on(t.tenantId, t.stageId),
    index("deals_tenant_name").on(t.tenantId, t.name),
    index("deals_tenant_external").on(t.tenantId, t.externalId),
    // pg_trgm: similar-deal search by name, and `deal NAME` / ilike lookups.
    index("deals_name_trgm").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

export const dealStageHistory = pgTable(
  "deal_stage_history",
  {
    id: id(),
    tenantId: tenantId(),
    dealId: uuid("deal_id")
      .notNull()
      .references(() => deals.id, { onDelete: "cascade" }),
    stageId: uuid("stage_id")
      .notNull()
      .references(() => stages.id),
    enteredAt: ts("entered_at").notNull(),
    leftAt: ts("left_at"),
  },
  (t) => [index("deal_stage_history_deal").on(t.dealId)],
);
