import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

export const contacts = pgTable("contacts", {
  id: id(),
  tenantId: tenantId(),
  name: text("name").notNull(),
  company: text("company"),
  email: text("email"),
  phone: text("phone"),
  createdAt: createdAt(),
});
