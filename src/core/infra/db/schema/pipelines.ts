import { boolean, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

export const pipelines = pgTable("pipelines", {
  id: id(),
  tenantId: tenantId(),
  name: text("name").notNull(),
  isDefault: boolean("is_default").notNull().default(false),
  createdAt: createdAt(),
});
