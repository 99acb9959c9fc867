import type { Deps } from "../../deps.js";
import { runImport } from "./engine.js";
import { formatIssue, type ImportKind, type ImportReport } from "./types.js";

export { detectImportKind, kindColumns } from "./detect.js";
export { importRecords, type RecordSource, runImport } from "./engine.js";
export * as cells from "./fields.js";
export { formatIssue, IMPORT_KINDS, type ImportIssue, type ImportKind, type ImportReport } from "./types.js";

/** Imports CSV text (small files, tests); errors come back formatted as lines. */
export async function importCsv(
  deps: Deps,
  tenantId: string,
  kind: ImportKind,
  text: string,
  opts: { dryRun?: boolean; decimal?: "," | "." } = {},
): Promise<ImportReport & { messages: string[] }> {
  const r = await runImport(deps, tenantId, kind, text, opts);
  return { ...r, messages: r.errors.map(formatIssue) };
}
