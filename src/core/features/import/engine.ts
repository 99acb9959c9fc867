import type { Readable } from "node:stream";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { openCsv } from "../../kernel/csv/index.js";
import { getTenant } from "../tenancy/index.js";
import { decimalMarkOf } from "./fields.js";
import { planHeader } from "./headers.js";
import { KINDS } from "./kinds/index.js";
import type { BatchCtx, ImportIssue, ImportKind, ImportReport, KindSpec, RowIn } from "./types.js";

const BATCH = 500;
const MAX_KEPT_ERRORS = 1000;

class Rollback extends Error {}

/** Records from any source (a CSV file, a REST request's items): named cells, the line or index each came from. */
export interface RecordSource {
  header: string[];
  records:
    | AsyncIterable<{ line: number; fields: Record<string, string>; cells: number }>
    | Iterable<{
        line: number;
        fields: Record<string, string>;
        cells: number;
      }>;
  /** Where header problems are reported (1 for a CSV header row; 0 for sources without one). */
  headerLine?: number;
  /** Only Keel's own column names (the REST API); a file's header is read with aliases instead. */
  strictHeader?: boolean;
}

/**
 * Streams a CSV into one tenant in ONE transaction: rows are parsed and checked in batches (cells,
 * references, domain rules) and upserted by their stable key; every issue of every row is collected in
 * a single pass; at the end any issue — or a dry run — rolls everything back. The report counts rows
 * created / updated / unchanged and how many rows changed each field.
 */
export async function runImport(
  deps: Deps,
  tenantId: string,
  kind: ImportKind,
  source: Readable | string | AsyncIterable<string | Buffer>,
  opts: {
    dryRun?: boolean;
    /**
     * Runs first inside the import's transaction (a chat import marks itself done here, so a second
     * Import click waits on the row lock and then finds it done: imported once). Throwing aborts.
     */
    begin?: (tx: Tx) => Promise<void>;
    /** The file's decimal mark; default: the tenant's locale setting, else only unambiguous numbers. */
    decimal?: "," | ".";
  } = {},
): Promise<ImportReport> {
  const file = await openCsv(source);
  const tenant = await getTenant(deps.db, tenantId);
  const locale = (tenant?.settings as { locale?: unknown } | undefined)?.locale;
  const decimal = opts.decimal ?? decimalMarkOf(typeof locale === "string" ? locale : undefined);
  let report: ImportReport | undefined;
  try {
    await deps.db.tenantTx(tenantId, async (tx) => {
      report = await importRecords(
        tx,
        { tenantId, currency: tenant?.currency ?? "USD", now: deps.clock.now(), decimal },
        kind,
        { header: file.header, records: file.records, headerLine: 1 },
        { dryRun: opts.dryRun, begin: opts.begin && (() => opts.begin!(tx)) },
      );
      if (!report.ok || opts.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  const r = report!;
  deps.logger.info(
    {
      tenantId,
      kind,
      rows: r.rows,
      created: r.created,
      updated: r.updated,
      errors: r.errorCount,
      dryRun: r.dryRun,
    },
    "import finished",
  );
  return r;
}

/**
 * The one implementation of import rules, inside a transaction the caller owns (the CSV import above,
 * the REST API): header check, cell parsing, per-kind references and domain checks, upserts. The caller
 * rolls back when the report is not ok (or on a dry run): nothing is kept unless every row is valid.
 */
export async function importRecords(
  tx: Tx,
  at: { tenantId: string; currency: string; now: Date; decimal?: "," | "." },
  kind: ImportKind,
  source: RecordSource,
  opts: { dryRun?: boolean; begin?: () => Promise<void> } = {},
): Promise<ImportReport> {
  const spec: KindSpec = KINDS[kind]();
  const report: ImportReport = {
    ok: false,
    kind,
    dryRun: Boolean(opts.dryRun),
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    fields: {},
    errors: [],
    errorCount: 0,
  };
  const push = (i: ImportIssue) => {
    report.errorCount++;
    if (report.errors.length < MAX_KEPT_ERRORS) report.errors.push(i);
  };
  const headerLine = source.headerLine ?? 1;
  const known = Object.keys(spec.columns);
  const plan = planHeader(kind, source.header, known, source.strictHeader);
  for (const p of plan.problems) push({ line: headerLine, field: p.column, value: "", expected: p.expected });
  report.renamed = plan.renamed;
  report.ignored = plan.ignored;
  const columns = source.header.flatMap((column, i) => {
    const field = plan.fieldOf[i];
    return field ? [{ column, field }] : [];
  });
  const fields = columns.map((c) => c.field);
  for (const group of spec.required)
    if (!group.some((c) => fields.includes(c)))
      push({ line: headerLine, field: group.join(" or "), value: "", expected: "this column in the header" });
  if (report.errorCount) return report;
  const ctx: BatchCtx = {
    tx,
    tenantId: at.tenantId,
    currency: at.currency,
    now: at.now,
    header: new Set(fields),
    issue: (row, field, expected, value) => {
      row.failed = true;
      push({ line: row.line, field, value: value ?? row.raw[field] ?? "", expected });
    },
    count: (outcome, fields = []) => {
      report[outcome]++;
      for (const f of fields) report.fields[f] = (report.fields[f] ?? 0) + 1;
    },
  };
  const cellOpts = { decimal: at.decimal };
  if (!opts.dryRun) await opts.begin?.();
  await spec.prepare?.(ctx);
  let batch: RowIn[] = [];
  for await (const rec of source.records) {
    report.rows++;
    const raw: Record<string, string> = {};
    for (const { column, field } of columns) raw[field] = rec.fields[column] ?? "";
    const row: RowIn = { line: rec.line, raw, values: {}, empty: new Set(), failed: false };
    for (const [col, cellText] of Object.entries(raw)) {
      if (cellText === "") row.empty.add(col);
      else {
        const cell = spec.columns[col]!(cellText, cellOpts);
        if (cell.ok) row.values[col] = cell.value;
        else ctx.issue(row, col, cell.expected);
      }
    }
    if (rec.cells > source.header.length)
      ctx.issue(
        row,
        "row",
        `at most ${source.header.length} cells (the header's columns)`,
        `${rec.cells} cells`,
      );
    batch.push(row);
    if (batch.length >= BATCH) {
      await spec.apply(ctx, batch);
      batch = [];
    }
  }
  if (batch.length) await spec.apply(ctx, batch);
  if (report.rows === 0)
    push({ line: headerLine + 1, field: "file", value: "", expected: "at least one row under the header" });
  // Cell problems are found while parsing, reference problems per batch: show them in file order.
  report.errors.sort((a, b) => a.line - b.line);
  report.ok = report.errorCount === 0;
  return report;
}
