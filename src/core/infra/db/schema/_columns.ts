import { bigint, timestamp, uuid } from "drizzle-orm/pg-core";

/** Shared column builders. Every tenant table uses `tenantId()` so the RLS sweep (drizzle/sql/rls.sql) finds it. */
export const id = () => uuid("id").primaryKey().defaultRandom();
export const tenantId = () => uuid("tenant_id").notNull();
export const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
/** Money is stored in integer minor units (cents). JS numbers are exact up to 2^53 cents (~$90 trillion). */
export const money = (name: string) => bigint(name, { mode: "number" });
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
