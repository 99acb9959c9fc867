import { type CsvTable, parseCsv } from "../../kernel/csv/index.js";
import { type AppError, fail, ok, type Result } from "../../kernel/errors.js";

export interface SeriesRow {
  seriesId: string;
  t: number;
  value: number | null;
  split: "train" | "test";
}

/** One series from a batch file: the history to fit on (sorted by t) and any held-out test values. */
export interface ParsedSeries {
  id: string;
  values: (number | null)[];
  test: (number | null)[];
}

const MISSING = new Set(["", "na", "nan", "null", "none"]);

/**
 * Parses a `series_id,t,value[,split]` CSV (header required, any column order). Empty/NA values are
 * missing (interpolated later); rows whose split is `test` are kept apart and never fitted on.
 * Errors name the 1-based line and the field, e.g. `line 7, field "value": "12x" is not a number`.
 */
export function parseSeriesCsv(text: string): Result<ParsedSeries[]> {
  let table: CsvTable;
  try {
    table = parseCsv(text);
  } catch (e) {
    return fail((e as AppError).userMessage ?? String(e));
  }
  const header = table.header;
  for (const need of ["series_id", "t", "value"]) {
    if (!header.includes(need))
      return fail(`line 1: header must contain "series_id", "t" and "value" (missing "${need}")`);
  }
  const hasSplit = header.includes("split");
  const rows: SeriesRow[] = [];
  for (const rec of table.records) {
    const f = rec.fields;
    const where = `line ${rec.line}`;
    if (rec.cells !== header.length)
      return fail(`${where}: expected ${header.length} fields, found ${rec.cells}`);
    const id = f.series_id as string;
    if (id === "") return fail(`${where}, field "series_id": empty`);
    const tRaw = f.t as string;
    const t = Number(tRaw);
    if (tRaw === "" || !Number.isFinite(t)) return fail(`${where}, field "t": "${tRaw}" is not a number`);
    const vRaw = f.value as string;
    let value: number | null = null;
    if (!MISSING.has(vRaw.toLowerCase())) {
      value = Number(vRaw);
      if (!Number.isFinite(value)) return fail(`${where}, field "value": "${vRaw}" is not a number`);
    }
    const sRaw = hasSplit ? (f.split as string).toLowerCase() : "train";
    if (sRaw !== "train" && sRaw !== "test" && sRaw !== "")
      return fail(`${where}, field "split": "${f.split}" must be train or test`);
    rows.push({ seriesId: id, t, value, split: sRaw === "test" ? "test" : "train" });
  }
  if (!rows.length) return fail("the file has a header but no data rows");
  const bySeries = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    const list = bySeries.get(r.seriesId);
    if (list) list.push(r);
    else bySeries.set(r.seriesId, [r]);
  }
  const out: ParsedSeries[] = [];
  for (const [id, list] of bySeries) {
    list.sort((a, b) => a.t - b.t);
    for (let i = 1; i < list.length; i++) {
      if ((list[i] as SeriesRow).t === (list[i - 1] as SeriesRow).t)
        return fail(`series "${id}": t = ${(list[i] as SeriesRow).t} appears twice`);
    }
    out.push({
      id,
      values: list.filter((r) => r.split === "train").map((r) => r.value),
      test: list.filter((r) => r.split === "test").map((r) => r.value),
    });
  }
  return ok(out);
}
