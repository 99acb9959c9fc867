import { inArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { Deps } from "../../deps.js";
import { contacts } from "../../infra/db/schema/index.js";
import { formatIssue, type ImportKind, runImport } from "../import/index.js";
import { type Mapped, mapCustomer, mapInvoice, type Skip } from "./mapping.js";
import type { Snapshot } from "./remote.js";

/**
 * Writes a Stripe snapshot through `runImport`, the code behind `keel import`: contacts, then
 * invoices, then payments, each upserted by its Stripe id (external_id) with the import's domain
 * checks. A row the import refuses is left out and reported, and the rest is imported (a sync must
 * not stall on one odd invoice); the import itself stays all-or-nothing per file.
 */
export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ApplyReport {
  contacts: KindCounts;
  invoices: KindCounts;
  payments: KindCounts;
  skipped: Skip[];
  /** Rows the import refused, formatted ("line 3, amount …: expected …") with the Stripe id. */
  rejected: string[];
}

const COLUMNS = {
  contacts: ["external_id", "name", "company", "email", "phone"],
  invoices: ["external_id", "number", "customer", "issued_on", "due_on", "amount", "currency", "status"],
  payments: ["external_id", "invoice_number", "paid_on", "amount", "overpayment"],
} as const;

/** One CSV cell; line breaks become spaces so row i stays on line i + 2 (for mapping issues back). */
function cell(raw: string): string {
  const v = raw.replace(/[\r\n]+/g, " ");
  return /[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function toCsv(cols: readonly string[], rows: readonly Record<string, string>[]): string {
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c] ?? "")).join(","))].join("\n");
}

const zero = (): KindCounts => ({ created: 0, updated: 0, unchanged: 0 });

/** Imports rows of one kind; rows with issues are dropped (and reported) and the rest imported once more. */
async function importRows(
  deps: Deps,
  tenantId: string,
  kind: "contacts" | "invoices" | "payments",
  rows: Record<string, string>[],
  rejected: string[],
): Promise<KindCounts> {
  if (!rows.length) return zero();
  const cols = COLUMNS[kind];
  let r = await runImport(deps, tenantId, kind as ImportKind, toCsv(cols, rows));
  if (!r.ok) {
    // Line 1 is the header: row i is on line i + 2.
    const bad = new Set(r.errors.map((e) => e.line - 2));
    if (bad.has(-1) || r.errorCount > r.errors.length)
      throw new Error(`stripe ${kind} import refused its header`);
    for (const e of r.errors)
      rejected.push(`${kind} ${rows[e.line - 2]?.external_id ?? "?"}: ${formatIssue(e)}`);
    const rest = rows.filter((_, i) => !bad.has(i));
    if (!rest.length) return zero();
    r = await runImport(deps, tenantId, kind as ImportKind, toCsv(cols, rest));
    if (!r.ok) {
      for (const e of r.errors)
        rejected.push(`${kind} ${rest[e.line - 2]?.external_id ?? "?"}: ${formatIssue(e)}`);
      return zero();
    }
  }
  return { created: r.created, updated: r.updated, unchanged: r.unchanged };
}

export async function applySnapshot(
  deps: Deps,
  tenantId: string,
  timezone: string,
  snap: Snapshot,
): Promise<ApplyReport> {
  const rejected: string[] = [];
  const skipped: Skip[] = [];
  const contactRows = snap.customers.map(mapCustomer).filter((c) => c !== null);
  const contactCounts = await importRows(deps, tenantId, "contacts", [...contactRows], rejected);
  // Names of customers this snapshot does not carry (incremental sync) come from synced contacts.
  const names = new Map(contactRows.map((c) => [c.external_id, c.name]));
  const missing = [
    ...new Set(
      snap.invoices
        .map((i) => (typeof i.customer === "string" ? i.customer : i.customer?.id))
        .filter((id): id is string => !!id && !names.has(id)),
    ),
  ];
  if (missing.length)
    for (const c of await deps.db.tenantTx(tenantId, (tx) =>
      tx
        .select({ ext: contacts.externalId, name: contacts.name })
        .from(contacts)
        .where(inArray(contacts.externalId, missing)),
    ))
      if (c.ext) names.set(c.ext, c.name);
  const byInvoice = new Map<string, Stripe.InvoicePayment[]>();
  for (const p of snap.payments) {
    const id = typeof p.invoice === "string" ? p.invoice : p.invoice.id;
    if (id) byInvoice.set(id, [...(byInvoice.get(id) ?? []), p]);
  }
  const mapped: Mapped[] = snap.invoices.map((inv) =>
    mapInvoice(inv, byInvoice.get(inv.id ?? "") ?? [], snap.refunds, {
      timezone,
      customerName: (id) => (id ? names.get(id) : undefined),
    }),
  );
  for (const m of mapped) if (m.skip) skipped.push(m.skip);
  const invoiceRows = mapped.flatMap((m) => (m.invoice ? [m.invoice] : []));
  const invoiceCounts = await importRows(deps, tenantId, "invoices", [...invoiceRows], rejected);
  const refused = new Set(rejected.filter((r) => r.startsWith("invoices ")).map((r) => r.split(" ")[1]));
  const paymentRows = mapped.flatMap((m) =>
    m.invoice && !refused.has(m.invoice.external_id) ? m.payments : [],
  );
  const paymentCounts = await importRows(deps, tenantId, "payments", [...paymentRows], rejected);
  return { contacts: contactCounts, invoices: invoiceCounts, payments: paymentCounts, skipped, rejected };
}
