import type { ImportKind, KindSpec } from "../types.js";
import { contactsKind } from "./contacts.js";
import { dealsKind } from "./deals.js";
import { invoicesKind, paymentsKind } from "./invoices.js";
import { metricsKind } from "./metrics.js";
import { notesKind } from "./notes.js";

/** A fresh spec per import: each keeps per-import lookups (stages, users, series) in its closure. */
export const KINDS: Record<ImportKind, () => KindSpec> = {
  contacts: contactsKind,
  deals: dealsKind,
  invoices: invoicesKind,
  payments: paymentsKind,
  metrics: metricsKind,
  notes: notesKind,
};
