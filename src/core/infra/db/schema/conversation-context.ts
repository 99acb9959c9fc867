import { jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, tenantId, ts, updatedAt } from "./_columns.js";

/**
 * What one person was just talking about in one conversation (channel + conversation + thread): the
 * last typed business query (so "and last month?" re-runs it), the entities just shown ("remind them",
 * "the second one") and the numbered choices offered ("2"). Tenant-scoped under RLS like all tenant
 * data; a row past `expires_at` is treated as empty.
 */
export const conversationContext = pgTable(
  "conversation_context",
  {
    id: id(),
    tenantId: tenantId(),
    channel: text("channel").notNull(),
    conversationId: text("conversation_id").notNull(),
    threadId: text("thread_id").notNull().default(""),
    userId: uuid("user_id").notNull(),
    lastQuery: jsonb("last_query").$type<Record<string, unknown>>(),
    entities: jsonb("entities").$type<Record<string, unknown>[]>().notNull().default([]),
    pending: jsonb("pending").$type<Record<string, unknown>>(),
    pendingExpiresAt: ts("pending_expires_at"),
    expiresAt: ts("expires_at").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("conversation_context_key").on(t.tenantId, t.channel, t.conversationId, t.threadId, t.userId),
  ],
);
