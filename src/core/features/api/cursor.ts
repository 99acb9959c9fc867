import { AppError } from "../../kernel/errors.js";

/** Page sizes: `limit` defaults to 50 and is bounded to 1…200. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export interface Page<T> {
  data: T[];
  /** Opaque; pass it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last row's sort key. */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key })).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, valid: RegExp): string | undefined {
  if (!cursor) return undefined;
  try {
    const o = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v?: number; k?: unknown };
    if (o.v === 1 && typeof o.k === "string" && valid.test(o.k)) return o.k;
  } catch {
    // fall through: a cursor that is not ours
  }
  throw new AppError("bad_input", "The cursor is not one this API returned; start again without it.");
}

/** Fetches limit+1 rows, returns limit and the cursor of the last one when there are more. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(map), nextCursor: more ? encodeCursor(keyOf(kept.at(-1)!)) : null };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
