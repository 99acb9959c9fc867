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

/** The non-empty values of one column in a batch (for `where … in (…)` lookups). */
export function columnValues(rows: RowIn[], col: string): string[] {
  return rows.map((r) => str(r.values[col])).filter((x): x is string => !!x);
}

/**
 * Finds the stored row a file row means: by external id, else by its natural key (name / number) —
 * but a natural-key match that already has another external id is a different record.
 */
export function keyIndex<T extends { externalId?: string | null }>(found: T[], keyOf: (t: T) => string) {
  const byExt = new Map<string, T>();
  const byKey = new Map<string, T>();
  const add = (t: T) => {
    byKey.set(keyOf(t), t);
    if (t.externalId) byExt.set(t.externalId, t);
  };
  for (const f of found) add(f);
  return {
    add,
    find(ext: string | undefined, key: string | undefined): T | undefined {
      const hit = ext ? byExt.get(ext) : undefined;
      if (hit || !key) return hit;
      const n = byKey.get(key);
      return n && (!ext || !n.externalId) ? n : undefined;
    },
  };
}

/**
 * Rows found by external id and rows found by natural key, one query each (each uses its own index;
 * one query with `a in (…) or b in (…)` let PGlite scan the whole table per batch, so a 50,000-deal
 * import got 7× slower towards its end), merged by id.
 */
export async function byExternalOrKey<T extends { id: string }>(
  byExternal: (() => Promise<T[]>) | undefined,
  byKey: (() => Promise<T[]>) | undefined,
): Promise<T[]> {
  const out = new Map<string, T>();
  for (const q of [byExternal, byKey]) if (q) for (const r of await q()) out.set(r.id, r);
  return [...out.values()];
}
