import { date, index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, money, tenantId } from "./_columns.js";
import { contacts } from "./contacts.js";
import { deals } from "./deals.js";

export const INVOICE_STATUSES = ["open", "paid", "void"] as const;

export const invoices = pgTable(
  "invoices",
  {
    id: id(),
    tenantId: tenantId(),
    number: text("number").notNull(),
    dealId: uuid("deal_id").references(() => deals.id),
    contactId: uuid("contact_id").references(() => contacts.id),
    customer: text("customer").notNull(),
    issuedOn: date("issued_on", { mode: "string" }).notNull(),
    dueOn: date("due_on", { mode: "string" }).notNull(),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull().default("USD"),
    status: text("status", { enum: INVOICE_STATUSES }).notNull().default("open"),
    externalId: text("external_id"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invoices_tenant_number").on(t.tenantId, t.number),
    index("invoices_tenant_due").on(t.tenantId, t.dueOn),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: id(),
    tenantId: tenantId(),
    invoiceId: uuid("invoice_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    paidOn: date("paid_on", { mode: "string" }).notNull(),
    amountMinor: money("amount_minor").notNull(),
    externalId: text("external_id"),
    createdAt: createdAt(),
  },
  (t) => [index("payments_invoice").on(t.invoiceId)],
);
