/** What a chat file is, before anything reads it: CSV for import, something else, or too big. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface ChatFile {
  name: string;
  mimeType?: string;
  /** Size the platform announced (checked before downloading). */
  size?: number;
}

export type FileVerdict = "csv" | "too-big" | "other";

const CSV_TYPES = new Set([
  "text/csv",
  "application/csv",
  "text/comma-separated-values",
  "application/vnd.ms-excel",
]);

export function classifyFile(f: ChatFile): FileVerdict {
  if (f.size !== undefined && f.size > MAX_FILE_BYTES) return "too-big";
  const byName = /\.(csv|txt)$/i.test(f.name);
  const mime = (f.mimeType ?? "").split(";")[0]!.trim().toLowerCase();
  // application/vnd.ms-excel is what Windows sends for .csv; an .xls name with it is a real spreadsheet.
  if (/\.csv$/i.test(f.name) || (CSV_TYPES.has(mime) && !/\.xlsx?$/i.test(f.name))) return "csv";
  if (byName && mime.startsWith("text/")) return "csv";
  return "other";
}

/** Decodes CSV bytes; undefined when they are not UTF-8 text (a renamed binary, a spreadsheet). */
export function decodeCsv(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export const OTHER_FILE_TEXT =
  "Thanks for the file! I can read CSV files for import (contacts, deals, invoices, payments, metrics or notes). " +
  "For anything else — PDFs, images, spreadsheets — please paste the part you want me to look at as text, " +
  "or export the sheet as CSV and send it again.";

export const TOO_BIG_TEXT = `That file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, more than I import from chat. Split it, or import it with \`keel import\` on the server.`;
