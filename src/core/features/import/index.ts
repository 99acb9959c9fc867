import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import {
  deals,
  invoices,
  metricPoints,
  metricSeries,
  payments,
  pipelines,
  stages,
  users,
} from "../../infra/db/schema/index.js";
import { parseCsv } from "../../kernel/csv/index.js";

/** CSV import of deals, invoices and metrics. All rows are checked first; one bad row means nothing is written. */
export type ImportKind = "deals" | "invoices" | "metrics";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-01-31");
const optDate = z.union([z.literal(""), date]).transform((v) => v || undefined);
const money = z
  .string()
  .regex(/^-?\d+(\.\d{1,2})?$/, "an amount like 1250.00")
  .transform((v) => Math.round(Number(v) * 100));
const optText = z.string().transform((v) => v || undefined);

const SCHEMAS = {
  deals: z.object({
    name: z.string().min(1, "required"),
    company: optText,
    stage: z.string().min(1, "required"),
    value: money,
    currency: z
      .string()
      .regex(/^([A-Z]{3})?$/, "a 3-letter currency code")
      .transform((v) => v || "USD"),
    owner_email: optText,
    status: z.enum(["open", "won", "lost", ""]).transform((v) => (v || "open") as "open" | "won" | "lost"),
    stage_entered_on: optDate,
    expected_close_on: optDate,
    next_step: optText,
  }),
  invoices: z.object({
    number: z.string().min(1, "required"),
    customer: z.string().min(1, "required"),
    issued_on: date,
    due_on: date,
    amount: money,
    currency: z
      .string()
      .regex(/^([A-Z]{3})?$/, "a 3-letter currency code")
      .transform((v) => v || "USD"),
    paid_on: optDate,
    paid_amount: z.union([z.literal(""), money]).transform((v) => (v === "" ? undefined : v)),
  }),
  metrics: z.object({
    metric: z.string().regex(/^[a-z][a-z0-9_]*$/, "a key like website_sessions"),
    date,
    value: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, "a number")
      .transform(Number),
    unit: optText,
  }),
} as const;

const REQUIRED: Record<ImportKind, string[]> = {
  deals: ["name", "stage", "value"],
  invoices: ["number", "customer", "issued_on", "due_on", "amount"],
  metrics: ["metric", "date", "value"],
};

export interface ImportReport {
  ok: boolean;
  kind: ImportKind;
  rows: number;
  inserted: number;
  updated: number;
  errors: string[];
}

/** Parses and validates; returns the typed rows or the errors ("line 7, value: an amount like 1250.00"). */
export function validateCsv<K extends ImportKind>(kind: K, text: string) {
  const table = parseCsv(text);
  const missing = REQUIRED[kind].filter((c) => !table.header.includes(c));
  if (missing.length)
    return {
      rows: [],
      errors: [
        `line 1: missing column(s) ${missing.join(", ")} (have: ${table.header.join(", ") || "nothing"})`,
      ],
    };
  const schema = SCHEMAS[kind];
  const rows: { line: number; value: z.infer<(typeof SCHEMAS)[K]> }[] = [];
  const errors: string[] = [];
  for (const r of table.records) {
    const filled = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, r.fields[k] ?? ""]));
    const parsed = schema.safeParse(filled);
    if (parsed.success) rows.push({ line: r.line, value: parsed.data as z.infer<(typeof SCHEMAS)[K]> });
    else
      for (const i of parsed.error.issues)
        errors.push(
          `line ${r.line}, ${String(i.path[0])}: ${i.message}${r.fields[String(i.path[0])] ? ` (got "${r.fields[String(i.path[0])]!.slice(0, 30)}")` : ""}`,
        );
  }
  if (table.records.length === 0) errors.push("the file has a header but no rows");
  return { rows, errors };
}

async function importDeals(tx: Tx, tenantId: string, rows: z.infer<typeof SCHEMAS.deals>[], now: Date) {
  const [pipe] = await tx.select().from(pipelines).where(eq(pipelines.isDefault, true)).limit(1);
  if (!pipe)
    return {
      errors: ["this tenant has no default pipeline; create stages first (keel demo shows an example)"],
      inserted: 0,
      updated: 0,
    };
  const stageRows = await tx.select().from(stages).where(eq(stages.pipelineId, pipe.id));
  const userRows = await tx.select({ id: users.id, email: users.email }).from(users);
  const errors: string[] = [];
  let inserted = 0;
  let updated = 0;
  for (const [i, r] of rows.entries()) {
    const stage = stageRows.find((s) => s.name.toLowerCase() === r.stage.toLowerCase());
    if (!stage) {
      errors.push(
        `row ${i + 1} (${r.name}), stage: unknown stage "${r.stage}" (known: ${stageRows.map((s) => s.name).join(", ")})`,
      );
      continue;
    }
    const owner = r.owner_email ? userRows.find((u) => u.email === r.owner_email!.toLowerCase()) : undefined;
    if (r.owner_email && !owner) {
      errors.push(`row ${i + 1} (${r.name}), owner_email: no user ${r.owner_email}`);
      continue;
    }
    const values = {
      tenantId,
      pipelineId: pipe.id,
      stageId: stage.id,
      name: r.name,
      company: r.company ?? null,
      valueMinor: r.value,
      currency: r.currency,
      ownerUserId: owner?.id ?? null,
      status: r.status,
      stageEnteredAt: r.stage_entered_on ? new Date(`${r.stage_entered_on}T00:00:00Z`) : now,
      expectedCloseOn: r.expected_close_on ?? null,
      nextStep: r.next_step ?? null,
      updatedAt: now,
    };
    const [existing] = await tx.select({ id: deals.id }).from(deals).where(eq(deals.name, r.name)).limit(1);
    if (existing) {
      await tx.update(deals).set(values).where(eq(deals.id, existing.id));
      updated++;
    } else {
      await tx.insert(deals).values(values);
      inserted++;
    }
  }
  return { errors, inserted, updated };
}

async function importInvoices(tx: Tx, tenantId: string, rows: z.infer<typeof SCHEMAS.invoices>[]) {
  let inserted = 0;
  let updated = 0;
  for (const r of rows) {
    const paid = r.paid_on ? (r.paid_amount ?? r.amount) : 0;
    const values = {
      tenantId,
      number: r.number,
      customer: r.customer,
      issuedOn: r.issued_on,
      dueOn: r.due_on,
      amountMinor: r.amount,
      currency: r.currency,
      status: (paid >= r.amount ? "paid" : "open") as "paid" | "open",
    };
    const [existing] = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(eq(invoices.number, r.number))
      .limit(1);
    let id = existing?.id;
    if (id) {
      await tx.update(invoices).set(values).where(eq(invoices.id, id));
      await tx.delete(payments).where(eq(payments.invoiceId, id));
      updated++;
    } else {
      [{ id }] = (await tx.insert(invoices).values(values).returning({ id: invoices.id })) as [
        { id: string },
      ];
      inserted++;
    }
    if (r.paid_on && paid > 0)
      await tx.insert(payments).values({ tenantId, invoiceId: id!, paidOn: r.paid_on, amountMinor: paid });
  }
  return { errors: [] as string[], inserted, updated };
}

async function importMetrics(tx: Tx, tenantId: string, rows: z.infer<typeof SCHEMAS.metrics>[]) {
  let inserted = 0;
  const ids = new Map<string, string>();
  for (const r of rows) {
    let seriesId = ids.get(r.metric);
    if (!seriesId) {
      const [s] = await tx
        .select({ id: metricSeries.id })
        .from(metricSeries)
        .where(eq(metricSeries.key, r.metric))
        .limit(1);
      seriesId =
        s?.id ??
        (
          await tx
            .insert(metricSeries)
            .values({
              tenantId,
              key: r.metric,
              name: r.metric.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()),
              unit: r.unit ?? "",
            })
            .returning({ id: metricSeries.id })
        )[0]!.id;
      ids.set(r.metric, seriesId);
    }
    await tx
      .insert(metricPoints)
      .values({ tenantId, seriesId, on: r.date, value: r.value })
      .onConflictDoUpdate({ target: [metricPoints.seriesId, metricPoints.on], set: { value: r.value } });
    inserted++;
  }
  return { errors: [] as string[], inserted, updated: 0 };
}

/** Imports a CSV into one tenant in a single transaction; re-importing the same file changes nothing new. */
export async function importCsv(
  deps: Deps,
  tenantId: string,
  kind: ImportKind,
  text: string,
): Promise<ImportReport> {
  const { rows, errors } = validateCsv(kind, text);
  if (errors.length) return { ok: false, kind, rows: rows.length, inserted: 0, updated: 0, errors };
  try {
    return await deps.db.tenantTx(tenantId, async (tx) => {
      const values = rows.map((r) => r.value);
      const res =
        kind === "deals"
          ? await importDeals(tx, tenantId, values as z.infer<typeof SCHEMAS.deals>[], deps.clock.now())
          : kind === "invoices"
            ? await importInvoices(tx, tenantId, values as z.infer<typeof SCHEMAS.invoices>[])
            : await importMetrics(tx, tenantId, values as z.infer<typeof SCHEMAS.metrics>[]);
      // Roll back everything when any row failed a database-level check.
      if (res.errors.length) throw new ImportRollback(res.errors);
      return { ok: true, kind, rows: rows.length, inserted: res.inserted, updated: res.updated, errors: [] };
    });
  } catch (e) {
    if (e instanceof ImportRollback)
      return { ok: false, kind, rows: rows.length, inserted: 0, updated: 0, errors: e.errors };
    throw e;
  }
}

class ImportRollback extends Error {
  constructor(readonly errors: string[]) {
    super("import rolled back");
  }
}
