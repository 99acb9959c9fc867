import { bigint, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "./_columns.js";

/**
 * One row per singleton (e.g. `whatsapp-webjs:keel`, the one browser session): which replica holds
 * it, until when, and the fencing token — raised on every change of holder, so a replica that lost
 * the lease while paused is refused on its next send. Postgres's clock decides expiry (no skew
 * between replicas). Holds no tenant data, hence no tenant column / RLS.
 */
export const singletonLeases = pgTable("singleton_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  token: bigint("token", { mode: "number" }).notNull(),
  acquiredAt: ts("acquired_at").notNull().defaultNow(),
  renewedAt: ts("renewed_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
});
