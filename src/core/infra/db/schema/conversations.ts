import { jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, updatedAt } from "./_columns.js";

/** History is per (tenant, channel, conversation, thread, user): never shared between people. */
export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    tenantId: tenantId(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    threadId: text("thread_id").notNull().default(""),
    userId: uuid("user_id").notNull(),
    summary: text("summary"),
    state: jsonb("state").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("conversations_key").on(t.tenantId, t.channel, t.externalId, t.threadId, t.userId)],
);
