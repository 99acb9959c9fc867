import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    company: text("company"),
    email: text("email"),
    phone: text("phone"),
    /** The id in the system the contact came from (CRM, import file): the stable key for re-imports. */
    externalId: text("external_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("contacts_tenant_external").on(t.tenantId, t.externalId),
    index("contacts_tenant_name").on(t.tenantId, t.name),
  ],
);
