import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, ts } from "./_columns.js";

export const INBOUND_TURN_STATUSES = ["pending", "answered", "failed"] as const;

/**
 * The inbox: every inbound turn (a Slack DM or mention, a slash command, a WhatsApp message) is
 * written here before the channel gets its ack, and marked answered only once the reply reached the
 * channel. A turn whose worker died (lease run out) is taken over by a retry or the recovery sweep.
 *
 * Tenant-neutral on purpose, like job_runs: the row is written before the ack, when the tenant of a
 * Slack team is not known yet without a lookup (nothing may slow the ack). The message itself
 * (`payload`) is erased as soon as the turn is answered or given up, and rows are pruned after days.
 */
export const inboundTurns = pgTable(
  "inbound_turns",
  {
    id: id(),
    channel: text("channel").notNull(),
    /** What makes a delivery the same turn: the Slack event id, the command's trigger id, the WhatsApp message id. */
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    /** Slack team / enterprise key, WhatsApp business number id. */
    account: text("account"),
    /** What it takes to answer the turn again after a crash; null once answered. */
    payload: jsonb("payload").$type<Record<string, unknown>>(),
    status: text("status", { enum: INBOUND_TURN_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(1),
    /** The process working on it (its lease is renewed while it lives). */
    owner: text("owner"),
    lockedUntil: ts("locked_until"),
    /** Slack: the "thinking…" placeholder (`channel:ts`) to replace with the answer. */
    placeholder: text("placeholder"),
    /** Posts made to the turn's response_url (Slack allows 5 in 30 minutes). */
    responsePosts: integer("response_posts").notNull().default(0),
    /** A replayed delivery was told "already answered" (at most once). */
    replayNoticed: integer("replay_noticed").notNull().default(0),
    lastError: text("last_error"),
    receivedAt: ts("received_at").notNull().defaultNow(),
    answeredAt: ts("answered_at"),
  },
  (t) => [
    uniqueIndex("inbound_turns_key").on(t.channel, t.key),
    index("inbound_turns_pending").on(t.status, t.lockedUntil),
  ],
);
