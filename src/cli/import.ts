import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatIssue, IMPORT_KINDS, type ImportKind, runImport } from "../core/features/import/index.js";
import { plural } from "../core/kernel/text.js";
import { printErrors, tenantOf, withDeps } from "./context.js";
import type { CliContext, Io } from "./io.js";

const USAGE = `Usage: keel import ${IMPORT_KINDS.join("|")} FILE [--tenant SLUG] [--dry-run] [--decimal comma|dot]
  Columns (README "Importing data" has the details; * = required for a new row):
  contacts: external_id, name*, company, email, phone
  deals:    external_id, name*, stage*, value*, company, currency, owner_email, status,
            stage_entered_on, expected_close_on, next_step, payment_terms_days
  invoices: external_id, number*, customer*, issued_on*, due_on*, amount*, currency, status, paid_on, paid_amount
  payments: external_id, invoice_number*, paid_on*, amount*, overpayment
  metrics:  metric*, date*, value*, unit
  notes:    external_id, deal* | deal_external_id*, body*, author_email, created_on
  Rows are matched by external_id, else by name / number; columns absent from the file are left as
  they are; nothing is written unless every row is valid.
  Amounts like 1250.50, 1.250,50 or 12 500 are read; 3.200 (three digits after one separator) needs
  --decimal comma|dot unless the company's locale says it. Dates: 2026-01-31 or 31.01.2026.
`;

export async function importCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string", short: "t" },
      "dry-run": { type: "boolean" },
      decimal: { type: "string" },
    },
    allowPositionals: true,
  });
  const [kind, file] = positionals;
  if (!kind || !file || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    io.stderr.write(USAGE);
    return 2;
  }
  try {
    await access(file);
  } catch (e) {
    io.stderr.write(
      `keel import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  const marks: Record<string, "," | "."> = { comma: ",", ",": ",", dot: ".", ".": ".", point: "." };
  const decimal = values.decimal === undefined ? undefined : marks[values.decimal.toLowerCase()];
  if (values.decimal !== undefined && !decimal) {
    io.stderr.write(`keel import: --decimal takes comma or dot, not "${values.decimal.slice(0, 20)}"\n`);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const dry = Boolean(values["dry-run"]);
    const r = await runImport(deps, tenant.id, kind as ImportKind, createReadStream(file), {
      dryRun: dry,
      decimal,
    });
    if (!r.ok) {
      printErrors(
        io,
        `keel import: nothing was imported; ${plural(r.errorCount, "problem")} in ${file}:`,
        r.errors.map(formatIssue),
      );
      return 2;
    }
    const columns = [
      r.renamed?.length ? `Read ${r.renamed.map((c) => `"${c.column}" as ${c.field}`).join(", ")}.\n` : "",
      r.ignored?.length
        ? `Left out ${plural(r.ignored.length, "column")} Keel has no field for: ${r.ignored
            .slice(0, 12)
            .map((c) => `"${c}"`)
            .join(", ")}${r.ignored.length > 12 ? ` and ${r.ignored.length - 12} more` : ""}.\n`
        : "",
    ].join("");
    const fields = Object.entries(r.fields)
      .map(([f, n]) => `${f} ${n}`)
      .join(", ");
    io.stdout.write(
      `${dry ? "Dry run, nothing written: would import" : "Imported"} ${plural(r.rows, `${kind.replace(/s$/, "")} row`)} into ${tenant.slug}: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged.\n` +
        (fields ? `Changed fields (rows): ${fields}.\n` : "") +
        columns,
    );
    return 0;
  });
}
