import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";
import { deals } from "./deals.js";

export const dealNotes = pgTable("deal_notes", {
  id: id(),
  tenantId: tenantId(),
  dealId: uuid("deal_id")
    .notNull()
    .references(() => deals.id, { onDelete: "cascade" }),
  authorUserId: uuid("author_user_id"),
  body: text("body").notNull(),
  externalId: text("external_id"),
  createdAt: createdAt(),
});
