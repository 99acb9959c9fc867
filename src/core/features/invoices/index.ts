/** Invoices and payments: open and overdue receivables. */
export * from "./feature.js";
export * from "./invoices.js";
