import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_columns.js";

/** A business. Not tenant-scoped itself (no RLS): resolving slugs and iterating tenants needs it. */
export const tenants = pgTable("tenants", {
  id: id(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  currency: text("currency").notNull().default("USD"),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});
