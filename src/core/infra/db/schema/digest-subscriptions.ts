import { integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts, updatedAt } from "./_columns.js";

export const DIGEST_CADENCES = ["daily", "weekly", "off"] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];

/**
 * A digest subscription of one chat (a Slack channel or DM, a WhatsApp number, a console session):
 * when it gets the digest, in which time zone, and when it must stay quiet. Set from chat with
 * `digest daily 08:00` / `digest weekly mon 09:00` / `digest off`.
 */
export const digestSubscriptions = pgTable(
  "digest_subscriptions",
  {
    id: id(),
    tenantId: tenantId(),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    /** Thread the digest is posted in, when the subscription was made in one ("" = none). */
    threadId: text("thread_id").notNull().default(""),
    /** Who set it up (their time zone is the default). */
    userId: uuid("user_id"),
    cadence: text("cadence", { enum: DIGEST_CADENCES }).notNull().default("daily"),
    /** 0 = Sunday … 6 = Saturday; weekly only. */
    weekday: integer("weekday"),
    /** Local time of delivery, "HH:MM". */
    atTime: text("at_time").notNull().default("08:00"),
    /** IANA time zone of the schedule and of the quiet hours. */
    timezone: text("timezone").notNull().default("UTC"),
    /** Quiet hours, local "HH:MM" (start inclusive, end exclusive; may wrap midnight). Null = none. */
    quietStart: text("quiet_start"),
    quietEnd: text("quiet_end"),
    /** Period key of the last digest enqueued (e.g. "2026-11-21" or "2026-W47"). */
    lastPeriod: text("last_period"),
    lastSentAt: ts("last_sent_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("digest_subscriptions_target").on(t.tenantId, t.channel, t.address, t.threadId)],
);
