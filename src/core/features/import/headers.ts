import { editDistance } from "../../kernel/text.js";
import type { ImportKind } from "./types.js";

/**
 * Column names as other tools export them → Keel's. A CRM or accounting export names its columns its
 * own way ("Deal - Title", "Organization", "Invoice Date", "Betrag") and carries dozens Keel has no use
 * for; the owner should not have to rename them first. Names are compared folded: lower case, accents
 * kept, runs of spaces/dashes/dots/underscores → one "_" ("Deal - Title" → "deal_title").
 * Deliberately absent: a bare "owner" (a name in most exports, Keel wants the owner's e-mail) and
 * anything that could mean two Keel fields.
 */
const ALIASES: Record<ImportKind, Record<string, string[]>> = {
  deals: {
    external_id: ["id", "deal_id", "record_id", "deal_external_id"],
    name: ["title", "deal_title", "deal_name", "deal", "opportunity", "opportunity_name", "nombre", "titel"],
    company: [
      "organization",
      "organisation",
      "organization_name",
      "deal_organization",
      "org",
      "account",
      "account_name",
      "customer",
      "client",
      "firma",
      "unternehmen",
      "kunde",
      "empresa",
      "cliente",
    ],
    stage: ["deal_stage", "pipeline_stage", "phase", "stufe", "etapa", "fase"],
    value: ["amount", "deal_value", "deal_amount", "wert", "betrag", "valor", "importe"],
    currency: ["deal_currency", "currency_code", "währung", "waehrung", "moneda", "divisa"],
    owner_email: ["owner_e_mail", "deal_owner_email", "owner_email_address", "user_email"],
    status: ["deal_status", "state"],
    stage_entered_on: ["stage_change_date", "deal_stage_change_time", "stage_changed_on", "stage_entered"],
    expected_close_on: [
      "expected_close_date",
      "deal_expected_close_date",
      "close_date",
      "closing_date",
      "expected_close",
      "abschlussdatum",
      "fecha_de_cierre",
      "fecha_cierre",
    ],
    next_step: ["next_activity", "next_action", "nächster_schritt", "naechster_schritt", "próximo_paso"],
    payment_terms_days: ["payment_terms", "terms_days", "zahlungsziel", "plazo_de_pago"],
    pipeline: ["deal_pipeline", "pipeline_name"],
  },
  invoices: {
    external_id: ["id", "invoice_id"],
    number: [
      "invoice_number",
      "invoice_no",
      "invoice_nr",
      "invoice",
      "nummer",
      "rechnungsnummer",
      "rechnungsnr",
      "número",
      "numero",
      "número_de_factura",
      "numero_factura",
    ],
    customer: ["client", "customer_name", "company", "bill_to", "kunde", "firma", "cliente", "empresa"],
    issued_on: [
      "issue_date",
      "invoice_date",
      "date",
      "issued",
      "datum",
      "rechnungsdatum",
      "fecha",
      "fecha_de_emisión",
      "fecha_emision",
    ],
    due_on: [
      "due_date",
      "due",
      "payment_due",
      "fällig_am",
      "faellig_am",
      "fälligkeit",
      "fälligkeitsdatum",
      "vencimiento",
      "fecha_de_vencimiento",
    ],
    amount: [
      "total",
      "amount_total",
      "total_amount",
      "gross",
      "brutto",
      "betrag",
      "importe",
      "total_factura",
    ],
    currency: ["currency_code", "währung", "waehrung", "moneda"],
    status: ["invoice_status", "state"],
    paid_on: ["payment_date", "paid_date", "bezahlt_am", "fecha_de_pago"],
    paid_amount: ["amount_paid", "bezahlt", "pagado"],
  },
  payments: {
    external_id: ["id", "payment_id", "transaction_id"],
    invoice_number: [
      "invoice",
      "invoice_no",
      "invoice_nr",
      "rechnungsnummer",
      "rechnung",
      "factura",
      "número_de_factura",
    ],
    paid_on: ["payment_date", "date", "paid_date", "datum", "zahlungsdatum", "fecha", "fecha_de_pago"],
    amount: ["payment_amount", "betrag", "importe", "paid"],
    overpayment: ["überzahlung", "sobrepago"],
  },
  contacts: {
    external_id: ["id", "person_id", "contact_id"],
    name: ["full_name", "person_name", "contact_name", "person", "contact", "nombre"],
    company: ["organization", "organisation", "org", "account", "account_name", "firma", "empresa"],
    email: ["e_mail", "email_address", "person_email", "correo", "correo_electrónico"],
    phone: [
      "telephone",
      "phone_number",
      "mobile",
      "mobile_phone",
      "telefon",
      "teléfono",
      "telefono",
      "móvil",
      "handy",
    ],
  },
  metrics: {
    metric: ["series", "metric_name", "kpi", "kennzahl", "métrica"],
    date: ["day", "datum", "fecha", "period"],
    value: ["amount", "wert", "valor"],
    unit: ["einheit", "unidad"],
  },
  notes: {
    external_id: ["id", "note_id"],
    deal: ["deal_name", "deal_title"],
    body: ["note", "content", "text", "notiz", "nota"],
    author_email: ["author", "user_email"],
    created_on: ["date", "created", "created_at", "datum", "fecha"],
  },
};

export const foldHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s\-./]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");

export interface HeaderPlan {
  /** For each column of the file: the Keel field it fills, or null when it is ignored. */
  fieldOf: (string | null)[];
  /** Columns read under another name: "Deal - Title" → name. */
  renamed: { column: string; field: string }[];
  /** Columns Keel has no field for (left out, listed in the report). */
  ignored: string[];
  /** Problems that stop the import: a near-miss of a Keel column, two columns for one field. */
  problems: { column: string; expected: string }[];
}

/**
 * Reads a file's header for one kind. Known names and aliases map to fields; a name one or two letters
 * off a Keel column ("valeu") is a problem, not silently ignored — the values would be lost; any other
 * name is ignored and listed. With `strict` (the REST API: its clients send Keel's own names) every
 * unknown name is a problem.
 */
export function planHeader(
  kind: ImportKind,
  header: readonly string[],
  known: readonly string[],
  strict = false,
): HeaderPlan {
  const aliases = new Map<string, string>();
  for (const [field, names] of Object.entries(ALIASES[kind])) for (const n of names) aliases.set(n, field);
  const plan: HeaderPlan = { fieldOf: [], renamed: [], ignored: [], problems: [] };
  const taken = new Map<string, string>();
  for (const column of header) {
    const f = strict ? column : foldHeader(column);
    let field: string | undefined = known.includes(f) ? f : strict ? undefined : aliases.get(f);
    if (!field && !strict) {
      // "Deal - Value" / "Deal Title": an entity prefix the kind already names.
      const bare = f.replace(/^(deal|invoice|payment|person|contact|organization|note)_/, "");
      field = known.includes(bare) ? bare : aliases.get(bare);
    }
    if (!field) {
      const near = known.find((k) => k.length >= 4 && f.length >= 4 && editDistance(f, k) <= 2);
      if (strict || near)
        plan.problems.push({
          column,
          expected: near ? `a known column — did you mean ${near}?` : `a known column (${known.join(", ")})`,
        });
      else plan.ignored.push(column);
      plan.fieldOf.push(null);
      continue;
    }
    const before = taken.get(field);
    if (before !== undefined) {
      plan.problems.push({ column, expected: `one column for ${field} (${before} already is)` });
      plan.fieldOf.push(null);
      continue;
    }
    taken.set(field, column);
    if (field !== column) plan.renamed.push({ column, field });
    plan.fieldOf.push(field);
  }
  return plan;
}
