/**
 * A small RFC 4180 CSV reader: a header row, quoted fields with "" escapes and embedded newlines,
 * CRLF or LF, a BOM. Each record keeps its 1-based line number so errors can point at it.
 */
export interface CsvRecord {
  line: number;
  fields: Record<string, string>;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export function parseCsv(text: string): CsvTable {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cur = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const src = text.replace(/^\uFEFF/, "");
  const endRow = () => {
    cells.push(cur.trim());
    if (!(cells.length === 1 && cells[0] === "")) rows.push({ line: rowLine, cells });
    cells = [];
    cur = "";
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cur += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cur.trim());
      cur = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else cur += ch;
  }
  if (cur !== "" || cells.length) endRow();
  const [head, ...body] = rows;
  const header = (head?.cells ?? []).map((h) => h.toLowerCase());
  return {
    header,
    records: body.map((r) => ({
      line: r.line,
      fields: Object.fromEntries(header.map((h, i) => [h, r.cells[i] ?? ""])),
    })),
  };
}
