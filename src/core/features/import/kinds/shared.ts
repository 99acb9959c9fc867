import type { BatchCtx, RowIn } from "../types.js";
import { changedFields } from "../types.js";

/** Column → database field, and whether an empty cell clears the field (optional) or keeps it. */
export type FieldMap = Record<
  string,
  { field: string; clearable: boolean; convert?: (v: unknown) => unknown }
>;

/** The patch a row asks for: only columns in the header; empty optional cells clear, empty others keep. */
export function patchOf(ctx: BatchCtx, row: RowIn, map: FieldMap, resolved: Record<string, unknown> = {}) {
  const patch: Record<string, unknown> = {};
  for (const [col, m] of Object.entries(map)) {
    if (!ctx.header.has(col)) continue;
    if (col in resolved) patch[m.field] = resolved[col];
    else if (col in row.values) patch[m.field] = m.convert ? m.convert(row.values[col]) : row.values[col];
    else if (row.empty.has(col) && m.clearable) patch[m.field] = null;
  }
  return patch;
}

/** Compares and reports; returns the changed database fields. */
export function countChange(
  ctx: BatchCtx,
  map: FieldMap,
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
) {
  const changed = changedFields(current, patch);
  const cols = changed.map((f) => Object.entries(map).find(([, m]) => m.field === f)?.[0] ?? f);
  ctx.count(changed.length ? "updated" : "unchanged", cols);
  return changed;
}

export const str = (v: unknown) => (typeof v === "string" ? v : undefined);
export const toDay = (v: unknown) => new Date(`${String(v)}T00:00:00Z`);
