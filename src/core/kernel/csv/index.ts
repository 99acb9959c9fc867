import { createRequire } from "node:module";
import { Readable } from "node:stream";
import type { Options } from "csv-parse";
import { AppError } from "../errors.js";

/**
 * The one CSV reader of Keel, on csv-parse (RFC 4180: quoted fields with "" escapes and embedded
 * newlines, CRLF or LF, a BOM). The first row is the header (names lower-cased and trimmed); each
 * record keeps the 1-based line it starts on so errors can point at it, and how many cells it had.
 * `openCsv` streams: memory stays flat whatever the file size.
 */
export interface CsvRecord {
  line: number;
  fields: Record<string, string>;
  /** Number of cells on the row (to report rows with too few or too many). */
  cells: number;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export interface CsvFile {
  header: string[];
  records: AsyncIterable<CsvRecord>;
}

const OPTIONS: Options = {
  bom: true,
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  // Exports often carry a quote inside an unquoted cell (=HYPERLINK("…"), 5" pipe): keep it as text.
  relax_quotes: true,
  info: true,
};

// csv-parse loads on the first file read, not with every module that can read one.
const require = createRequire(import.meta.url);
const csvParse = () => require("csv-parse") as typeof import("csv-parse");
const csvParseSync = () => require("csv-parse/sync") as typeof import("csv-parse/sync");

type Parsed = { record: string[]; info: { lines: number } };

function toRecord(header: string[], p: Parsed): CsvRecord {
  // info.lines is where the record ends; quoted newlines inside it moved it down.
  const inner = p.record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
  return {
    line: p.info.lines - inner,
    fields: Object.fromEntries(header.map((h, i) => [h, p.record[i] ?? ""])),
    cells: p.record.length,
  };
}

function asBadInput(e: unknown): unknown {
  if (e instanceof csvParse().CsvError)
    return new AppError(
      "bad_input",
      `The file is not valid CSV: ${e.message.replace(/^Invalid[^:]*: /, "")}`,
      { cause: e },
    );
  return e;
}

const headerOf = (cells: string[]) => cells.map((h) => h.trim().toLowerCase());

/**
 * The separator a file uses, read from its header line: "," by default; ";" from European spreadsheet
 * exports (where the comma is the decimal mark, so "12,50" must not split a cell); a tab from TSV.
 * Counted outside quotes; the most frequent wins.
 */
export function sniffDelimiter(headerLine: string): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  const best = (Object.entries(counts) as [keyof typeof counts, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > counts[","] ? best[0] : ",";
}

const firstLine = (text: string) => text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";

/** Parses a whole CSV text in memory (small files: forecasts, tests). Throws AppError(bad_input) on broken quoting. */
export function parseCsv(text: string): CsvTable {
  let rows: Parsed[];
  try {
    rows = csvParseSync().parse(text, {
      ...OPTIONS,
      delimiter: sniffDelimiter(firstLine(text)),
    }) as unknown as Parsed[];
  } catch (e) {
    throw asBadInput(e);
  }
  const [head, ...body] = rows;
  const header = headerOf(head?.record ?? []);
  return { header, records: body.map((r) => toRecord(header, r)) };
}

/**
 * Opens a CSV stream (a file stream, a string, or any iterable of chunks): reads up to the header,
 * then yields records as they are parsed.
 */
export async function openCsv(source: Readable | string | AsyncIterable<string | Buffer>): Promise<CsvFile> {
  const original =
    typeof source === "string"
      ? Readable.from([source])
      : source instanceof Readable
        ? source
        : Readable.from(source);
  // Read up to the end of the header line (at most 64 KiB) to see which separator the file uses, then
  // parse the whole stream — what was read first included — with it.
  const chunks = original[Symbol.asyncIterator]() as AsyncIterator<string | Buffer>;
  const head: Buffer[] = [];
  let seen = 0;
  let done = false;
  try {
    while (seen < 65_536) {
      const n = await chunks.next();
      if (n.done) {
        done = true;
        break;
      }
      const b = typeof n.value === "string" ? Buffer.from(n.value) : n.value;
      head.push(b);
      seen += b.length;
      if (b.includes(10)) break;
    }
  } catch (e) {
    throw asBadInput(e);
  }
  const delimiter = sniffDelimiter(firstLine(Buffer.concat(head).toString("utf8")));
  const input = Readable.from(
    (async function* () {
      yield* head;
      if (done) return;
      for (;;) {
        const n = await chunks.next();
        if (n.done) return;
        yield n.value;
      }
    })(),
  );
  const parser = input.pipe(csvParse().parse({ ...OPTIONS, delimiter }));
  input.on("error", (e) => parser.destroy(e));
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<Parsed>;
  let first: IteratorResult<Parsed>;
  try {
    first = await it.next();
  } catch (e) {
    throw asBadInput(e);
  }
  const header = first.done ? [] : headerOf(first.value.record);
  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield toRecord(header, n.value);
      }
    } catch (e) {
      throw asBadInput(e);
    } finally {
      parser.destroy();
    }
  }
  return { header, records: records() };
}
