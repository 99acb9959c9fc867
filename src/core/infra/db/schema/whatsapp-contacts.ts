import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, ts, updatedAt } from "./_columns.js";

/**
 * Per-contact WhatsApp state the channel needs: the last inbound message time, which opens the Cloud
 * API's 24-hour customer service window. `account` is the business number (phone number id).
 */
export const whatsappContacts = pgTable(
  "whatsapp_contacts",
  {
    tenantId: tenantId(),
    account: text("account").notNull(),
    contact: text("contact").notNull(),
    lastInboundAt: ts("last_inbound_at").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.account, t.contact] })],
);
