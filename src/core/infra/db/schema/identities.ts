import { pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";
import { users } from "./users.js";

/** A person's account on a channel (Slack user id, WhatsApp number) linked to a Keel user. */
export const identities = pgTable(
  "identities",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("identities_tenant_channel_external").on(t.tenantId, t.channel, t.externalId)],
);
