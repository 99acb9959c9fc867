import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

/** A Slack team or WhatsApp business number that belongs to a tenant. Looked up before the tenant is
 *  known through the SECURITY DEFINER function keel_tenant_for_channel (drizzle/sql/functions.sql). */
export const channelLinks = pgTable(
  "channel_links",
  {
    id: id(),
    tenantId: tenantId(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("channel_links_channel_external").on(t.channel, t.externalId)],
);
