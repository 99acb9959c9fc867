import type { Tx } from "../../infra/db/client.js";
import type { CellParser } from "./fields.js";

export type ImportKind = "contacts" | "deals" | "invoices" | "payments" | "metrics" | "notes";
export const IMPORT_KINDS: readonly ImportKind[] = [
  "contacts",
  "deals",
  "invoices",
  "payments",
  "metrics",
  "notes",
];

/** One problem with one cell: where, what was there, what was expected. */
export interface ImportIssue {
  line: number;
  field: string;
  value: string;
  expected: string;
}

/** A parsed row: valid cells in `values`, columns with an empty cell in `empty`, any issue sets `failed`. */
export interface RowIn {
  line: number;
  raw: Record<string, string>;
  values: Record<string, unknown>;
  empty: Set<string>;
  failed: boolean;
}

export interface BatchCtx {
  tx: Tx;
  tenantId: string;
  currency: string;
  now: Date;
  /** Columns present in the file's header: absent columns are never touched. */
  header: Set<string>;
  issue(row: RowIn, field: string, expected: string, value?: string): void;
  /** Records one row's outcome; `fields` are the columns it changed. */
  count(outcome: "created" | "updated" | "unchanged", fields?: string[]): void;
}

export interface KindSpec {
  columns: Record<string, CellParser<unknown>>;
  /** The header must contain at least one column of each group. */
  required: string[][];
  /** Loads what the whole import needs (stages, users…) once per import. */
  prepare?(ctx: BatchCtx): Promise<void>;
  apply(ctx: BatchCtx, rows: RowIn[]): Promise<void>;
}

export interface ImportReport {
  ok: boolean;
  kind: ImportKind;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** How many rows changed each field. */
  fields: Record<string, number>;
  /** The first issues (at most 1000, so memory stays flat); `errorCount` counts them all. */
  errors: ImportIssue[];
  errorCount: number;
  /** Columns read under another name ("Deal - Title" → name). */
  renamed?: { column: string; field: string }[];
  /** Columns of the file Keel has no field for: left out. */
  ignored?: string[];
}

export function formatIssue(i: ImportIssue): string {
  const where = i.line > 0 ? `line ${i.line}, ` : "";
  const v = i.value === "" ? "" : ` "${i.value.length > 40 ? `${i.value.slice(0, 40)}…` : i.value}"`;
  return `${where}${i.field}${v}: expected ${i.expected}`;
}

/** Fields whose value differs: compares what would be written with what is stored. */
export function changedFields(current: Record<string, unknown>, patch: Record<string, unknown>): string[] {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);
  return Object.keys(patch).filter(
    (k) => JSON.stringify(norm(current[k])) !== JSON.stringify(norm(patch[k])),
  );
}
