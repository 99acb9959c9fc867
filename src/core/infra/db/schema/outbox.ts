import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts } from "./_columns.js";

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "dead"] as const;

/** Durable outbox: a row is written in the same transaction as the decision that causes it. */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    tenantId: tenantId(),
    /** Unique per tenant: the same logical message is enqueued once. */
    dedupeKey: text("dedupe_key").notNull(),
    draftId: uuid("draft_id"),
    target: jsonb("target").$type<{ channel: string; address: string; threadId?: string }>().notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    channelMessageId: text("channel_message_id"),
    /**
     * Parts of a long reply the channel already accepted (part index → channel message id), written
     * after each part: a retry after a crash skips them, with or without Redis.
     */
    parts: jsonb("parts").$type<Record<string, string>>().notNull().default({}),
    deliveryStatus: text("delivery_status"),
    /**
     * W3C traceparent of the span that enqueued the row (null when tracing is off): the delivery,
     * whenever and wherever it runs, continues that trace.
     */
    traceContext: text("trace_context"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_tenant_dedupe").on(t.tenantId, t.dedupeKey),
    index("outbox_due").on(t.status, t.nextAttemptAt),
  ],
);
