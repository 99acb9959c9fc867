import { bigint, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

/** Spend limits in micro-dollars: scope `tenant_month` (userId null) or `user_day`. */
export const budgets = pgTable(
  "budgets",
  {
    id: id(),
    tenantId: tenantId(),
    scope: text("scope", { enum: ["tenant_month", "user_day"] }).notNull(),
    userId: uuid("user_id"),
    limitMicros: bigint("limit_micros", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("budgets_scope").on(t.tenantId, t.scope, t.userId)],
);
