import { jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts, updatedAt } from "./_columns.js";

/**
 * A guided set-up in chat, one per person and channel account: which question is next and what was
 * answered so far. Not tenant-scoped (no RLS): it starts before a tenant exists (an unknown WhatsApp
 * number); `target_tenant` is the empty tenant a Slack install made, if any.
 */
export const setupConversations = pgTable(
  "setup_conversations",
  {
    channel: text("channel").notNull(),
    /** Slack: "TEAM:USER"; WhatsApp: the E.164 number. */
    address: text("address").notNull(),
    targetTenant: uuid("target_tenant"),
    step: text("step").notNull(),
    answers: jsonb("answers").$type<Record<string, string>>().notNull().default({}),
    /** What "yes" accepts next (currency "dollars" → "USD"). */
    suggestion: text("suggestion"),
    expiresAt: ts("expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);
