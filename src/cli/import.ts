import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createKeel } from "../app.js";
import type { Io } from "../cli.js";
import { loadConfig } from "../config.js";
import { type ImportKind, importCsv } from "../core/features/import/index.js";
import { requireTenant } from "../core/features/tenancy/index.js";

const USAGE = `Usage: keel import deals|invoices|metrics FILE [--tenant SLUG]
  deals:    name,stage,value[,company,currency,owner_email,status,stage_entered_on,expected_close_on,next_step]
  invoices: number,customer,issued_on,due_on,amount[,currency,paid_on,paid_amount]
  metrics:  metric,date,value[,unit]
`;

export async function importCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { tenant: { type: "string", short: "t" } },
    allowPositionals: true,
  });
  const [kind, file] = positionals;
  if (!kind || !file || !["deals", "invoices", "metrics"].includes(kind)) {
    io.stderr.write(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    io.stderr.write(
      `keel import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  const keel = await createKeel(loadConfig({ LOG_LEVEL: "warn", ...process.env }));
  try {
    const tenant = await requireTenant(keel.deps.db, values.tenant ?? keel.deps.config.KEEL_DEFAULT_TENANT);
    const report = await importCsv(keel.deps, tenant.id, kind as ImportKind, text);
    if (!report.ok) {
      io.stderr.write(
        `keel import: nothing was imported; fix these rows:\n${report.errors
          .slice(0, 20)
          .map((e) => `  - ${e}`)
          .join("\n")}\n`,
      );
      if (report.errors.length > 20) io.stderr.write(`  … and ${report.errors.length - 20} more\n`);
      return 2;
    }
    io.stdout.write(
      `Imported ${report.rows} ${kind} rows into ${tenant.slug}: ${report.inserted} new, ${report.updated} updated.\n`,
    );
    return 0;
  } finally {
    await keel.close();
  }
}
