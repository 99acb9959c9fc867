import type { Deps } from "../../deps.js";
import { type ImportKind, type ImportReport, runImport } from "../import/index.js";

/** One CSV cell: quoted when needed, so any text round-trips through the import parser. */
export function csvCell(v: string | null | undefined): string {
  const s = v ?? "";
  return /[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text and, for each row, the line its record starts on (cells may hold newlines). */
export function toCsv(
  header: readonly string[],
  rows: readonly Record<string, string | null | undefined>[],
): { text: string; indexOfLine: Map<number, number> } {
  const lines = [header.join(",")];
  const indexOfLine = new Map<number, number>();
  let line = 2;
  rows.forEach((r, i) => {
    const text = header.map((h) => csvCell(r[h])).join(",");
    indexOfLine.set(line, i);
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    lines.push(text);
  });
  return { text: `${lines.join("\n")}\n`, indexOfLine };
}

export interface RowsOutcome {
  created: number;
  updated: number;
  unchanged: number;
  errors: string[];
}

/**
 * Writes rows through `keel import`'s engine (same upsert rules: stable key, absent columns untouched,
 * stage history). The import is all-or-nothing, so a page with bad rows is retried without them and
 * each rejected row is reported by its Pipedrive label (at most two passes).
 */
export async function importRows(
  deps: Deps,
  tenantId: string,
  kind: ImportKind,
  header: readonly string[],
  rows: readonly Record<string, string | null | undefined>[],
  labelOf: (row: Record<string, string | null | undefined>) => string,
): Promise<RowsOutcome> {
  const out: RowsOutcome = { created: 0, updated: 0, unchanged: 0, errors: [] };
  if (!rows.length) return out;
  let pending = [...rows];
  for (let pass = 0; pass < 2 && pending.length; pass++) {
    const csv = toCsv(header, pending);
    const r: ImportReport = await runImport(deps, tenantId, kind, csv.text);
    if (r.ok) {
      out.created += r.created;
      out.updated += r.updated;
      out.unchanged += r.unchanged;
      return out;
    }
    const bad = new Set<number>();
    for (const e of r.errors) {
      if (e.line < 2) {
        out.errors.push(`${kind}: ${e.field}: expected ${e.expected}`);
        return out;
      }
      const i = csv.indexOfLine.get(e.line) ?? -1;
      const row = pending[i];
      bad.add(i);
      if (row)
        out.errors.push(
          `${labelOf(row)}: ${e.field}${e.value ? ` "${e.value.slice(0, 40)}"` : ""}: expected ${e.expected}`,
        );
    }
    pending = pending.filter((_, i) => !bad.has(i));
  }
  return out;
}
