import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

export const users = pgTable(
  "users",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    timezone: text("timezone"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_tenant_email").on(t.tenantId, t.email)],
);
