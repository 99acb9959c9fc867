import { customType, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, updatedAt } from "./_columns.js";

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * whatsapp-web.js RemoteAuth sessions (the zipped browser profile), so a restart or a new container
 * needs no new QR scan. One row per (tenant, session name); tenant-scoped like all tenant data.
 */
export const whatsappSessions = pgTable(
  "whatsapp_sessions",
  {
    tenantId: tenantId(),
    session: text("session").notNull(),
    data: bytea("data").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.session] })],
);
