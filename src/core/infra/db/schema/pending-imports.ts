import { index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts } from "./_columns.js";
import { users } from "./users.js";

/**
 * A file sent in chat, previewed as a dry run and waiting for Import / Cancel. Executed at most once:
 * the import's own transaction flips `status` from pending to imported. Expires unanswered.
 */
export const pendingImports = pgTable(
  "pending_imports",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    fileName: text("file_name").notNull(),
    content: text("content").notNull(),
    /** choosing (which kind?) | pending | imported | cancelled */
    status: text("status").notNull().default("pending"),
    report: jsonb("report").$type<Record<string, unknown>>(),
    expiresAt: ts("expires_at").notNull(),
    decidedAt: ts("decided_at"),
    createdAt: createdAt(),
  },
  (t) => [index("pending_imports_tenant_status").on(t.tenantId, t.status)],
);
