import { isCurrency } from "../company/index.js";

/**
 * Cell parsers shared by CSV imports and the REST API: each returns the value or what was expected,
 * so every problem of a row can be reported at once ("line 7, value "12x": expected an amount …").
 */
export type Cell<T> = { ok: true; value: T } | { ok: false; expected: string };
export type CellParser<T> = (raw: string) => Cell<T>;

const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = (expected: string): Cell<never> => ({ ok: false, expected });

export const text: CellParser<string> = (raw) => ok(raw);

/** A real calendar date (2026-02-30 and 2026-13-01 are refused, not passed on to the database). */
export const isoDate: CellParser<string> = (raw) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const expected = "a real date like 2026-01-31";
  if (!m) return bad(expected);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === raw && Number(m[1]) >= 1900 && Number(m[1]) <= 2200
    ? ok(raw)
    : bad(expected);
};

/** Money in minor units; no negative amounts; a thousands separator or currency sign is refused rather than guessed. */
export const amount: CellParser<number> = (raw) => {
  if (/^-/.test(raw)) return bad("an amount of 0 or more (no negative amounts)");
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(raw))
    return bad("an amount like 1250.00 (digits, a dot, at most 2 decimals)");
  const [whole, frac = ""] = raw.split(".");
  return ok(Number(whole) * 100 + Number(frac.padEnd(2, "0")));
};

export const positiveAmount: CellParser<number> = (raw) => {
  const a = amount(raw);
  return a.ok && a.value === 0 ? bad("an amount greater than 0") : a;
};

export const number: CellParser<number> = (raw) =>
  /^-?\d+(\.\d+)?$/.test(raw) && Number.isFinite(Number(raw))
    ? ok(Number(raw))
    : bad("a number like 1250 or -3.5");

export const wholeDays: CellParser<number> = (raw) =>
  /^\d{1,4}$/.test(raw) ? ok(Number(raw)) : bad("a whole number of days like 30");

export const currency: CellParser<string> = (raw) => {
  const c = raw.toUpperCase();
  return isCurrency(c) ? ok(c) : bad("an ISO 4217 currency code like USD or EUR");
};

export const email: CellParser<string> = (raw) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw) ? ok(raw.toLowerCase()) : bad("an e-mail address");

export const yesNo: CellParser<boolean> = (raw) => {
  const v = raw.toLowerCase();
  if (["true", "yes", "y", "1"].includes(v)) return ok(true);
  if (["false", "no", "n", "0"].includes(v)) return ok(false);
  return bad("yes or no");
};

export const oneOf =
  <T extends string>(values: readonly T[]): CellParser<T> =>
  (raw) => {
    const v = raw.toLowerCase() as T;
    return values.includes(v) ? ok(v) : bad(`one of ${values.join(", ")}`);
  };

export const metricKey: CellParser<string> = (raw) =>
  /^[a-z][a-z0-9_]{0,62}$/.test(raw)
    ? ok(raw)
    : bad("a key like website_sessions (lowercase letters, digits, _)");

export const limited =
  (max: number): CellParser<string> =>
  (raw) =>
    raw.length <= max ? ok(raw) : bad(`at most ${max} characters`);
