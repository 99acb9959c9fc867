import { bigserial, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts, updatedAt } from "./_columns.js";

export const DRAFT_STATUSES = [
  "drafted",
  "edited",
  "approved",
  "scheduled",
  "sent",
  "rejected",
  "expired",
] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** Something Keel wants to send. Nothing leaves without an approval by an allowed person. */
export const drafts = pgTable(
  "drafts",
  {
    id: id(),
    tenantId: tenantId(),
    /** Short human number per tenant, used in chat ("approve 12"). */
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    subjectType: text("subject_type", { enum: ["deal", "invoice", "none"] }).notNull(),
    subjectId: uuid("subject_id"),
    /** Owner of the subject (deal owner) — a rep may approve only their own. */
    subjectOwnerId: uuid("subject_owner_id"),
    createdBy: uuid("created_by"),
    /** Where the message goes once approved: { channel, address, threadId? }. */
    target: jsonb("target").$type<{ channel: string; address: string; threadId?: string }>().notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    status: text("status", { enum: DRAFT_STATUSES }).notNull().default("drafted"),
    promptVersion: text("prompt_version"),
    policy: jsonb("policy").$type<Record<string, unknown>>().notNull().default({}),
    expiresAt: ts("expires_at"),
    decidedBy: uuid("decided_by"),
    decidedAt: ts("decided_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("drafts_tenant_status").on(t.tenantId, t.status),
    uniqueIndex("drafts_tenant_seq").on(t.tenantId, t.seq),
  ],
);

export const draftEvents = pgTable(
  "draft_events",
  {
    id: id(),
    /** Insertion order: several events share one timestamp inside a transaction. */
    n: bigserial("n", { mode: "number" }).notNull(),
    tenantId: tenantId(),
    draftId: uuid("draft_id")
      .notNull()
      .references(() => drafts.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id"),
    event: text("event").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("draft_events_draft").on(t.draftId, t.at)],
);
