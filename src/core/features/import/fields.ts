import { isCurrency } from "../company/index.js";

/**
 * Cell parsers shared by CSV imports and the REST API: each returns the value or what was expected,
 * so every problem of a row can be reported at once ("line 7, value "12x": expected an amount …").
 */
export type Cell<T> = { ok: true; value: T } | { ok: false; expected: string };
/**
 * How this file writes numbers, when the caller knows: `decimal` is the decimal mark ("," in a German
 * or Spanish export, "." in an English one) — from `--decimal` or the tenant's locale. Without it only
 * forms that cannot be read two ways are accepted.
 */
export interface CellOptions {
  decimal?: "," | ".";
}
export type CellParser<T> = (raw: string, opts?: CellOptions) => Cell<T>;

const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = (expected: string): Cell<never> => ({ ok: false, expected });

export const text: CellParser<string> = (raw) => ok(raw);

/**
 * A real calendar date (2026-02-30 and 2026-13-01 are refused, not passed on to the database). Also read:
 * 2026/01/31 and the day-first 31.01.2026 (a dotted date with a 4-digit year is day-first wherever it is
 * written). Slash dates like 03/04/2026 are refused: month-first in the US, day-first elsewhere.
 */
export const isoDate: CellParser<string> = (raw) => {
  const expected = "a real date like 2026-01-31 (or 31.01.2026)";
  const iso = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(raw);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(raw);
  const slash = /^\d{1,2}\/\d{1,2}\/\d{2,4}$/.test(raw);
  if (slash) return bad(`${expected}; ${raw} reads differently in the US and in Europe`);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!y || !m || !d) return bad(expected);
  const out = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === out && Number(y) >= 1900 && Number(y) <= 2200
    ? ok(out)
    : bad(expected);
};

/** Decimal mark of a locale ("de-DE" → ",", "en-US" → "."); undefined for an unknown locale. */
export function decimalMarkOf(locale: string | undefined): "," | "." | undefined {
  if (!locale) return undefined;
  try {
    const mark = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value;
    return mark === "," || mark === "." ? mark : undefined;
  } catch {
    return undefined;
  }
}

type Decimal = { whole: string; frac: string } | { ambiguous: true } | undefined;

/**
 * Reads an unsigned decimal written the way people export it: `1250.50`, `1250,50`, `12,500.00`,
 * `12.500,00`, `12 500,00`, `12'500.00`, `1,250,000`. A single separator followed by exactly three
 * digits (`3.200`, `1,250`) means a thousand in one country and a decimal in another: it is read only
 * when the decimal mark is known, else reported as ambiguous — a wrong amount is worse than a question.
 */
function readDecimal(raw: string, maxFrac: number, decimal: "," | "." | undefined): Decimal {
  const s = raw.replace(/[\u00a0\u202f]/g, " ");
  const frac = `\\d{1,${maxFrac}}`;
  const plain = new RegExp(`^(\\d{1,15})(?:([.,])(${frac}))?$`).exec(s);
  if (plain) {
    const [, whole, mark, f = ""] = plain;
    if (mark && f.length === 3 && decimal === undefined) return { ambiguous: true };
    if (mark && f.length === 3 && mark !== decimal) return { whole: whole! + f, frac: "" };
    return { whole: whole!, frac: f };
  }
  // Grouped thousands: one group mark used consistently, the other mark (if any) is the decimal.
  const grouped = new RegExp(`^(\\d{1,3})((?:([,. '])\\d{3})(?:\\3\\d{3})*)(?:([.,])(${frac}))?$`).exec(s);
  if (grouped) {
    const [, head, groups, groupMark, mark, f = ""] = grouped;
    if (mark && mark === groupMark) return undefined;
    const oneGroup = groups!.length === 4;
    if (!mark && oneGroup && (groupMark === "," || groupMark === ".")) {
      if (decimal === undefined) return { ambiguous: true };
      if (groupMark === decimal) return maxFrac >= 3 ? { whole: head!, frac: groups!.slice(1) } : undefined;
    }
    if (decimal !== undefined && mark && mark !== decimal) return undefined;
    if (decimal !== undefined && !mark && groupMark === decimal) return undefined;
    return { whole: head! + groups!.replace(/\D/g, ""), frac: f };
  }
  return undefined;
}

const AMOUNT_HINT = "an amount like 1250.00 or 1.250,00 (at most 2 decimals, no currency sign)";
/** Money in minor units; no negative amounts; a currency sign or an ambiguous `3.200` is refused rather than guessed. */
export const amount: CellParser<number> = (raw, opts) => {
  if (/^-/.test(raw)) return bad("an amount of 0 or more (no negative amounts)");
  const d = readDecimal(raw, 2, opts?.decimal);
  if (d && "ambiguous" in d)
    return bad(
      `an unambiguous amount: ${raw} is a thousand times more in some countries than in others — write it without the separator, with 2 decimals, or say which decimal mark the file uses (--decimal comma|dot)`,
    );
  if (!d || d.whole.length > 15) return bad(AMOUNT_HINT);
  return ok(Number(d.whole) * 100 + Number(d.frac.padEnd(2, "0")));
};

export const positiveAmount: CellParser<number> = (raw, opts) => {
  const a = amount(raw, opts);
  return a.ok && a.value === 0 ? bad("an amount greater than 0") : a;
};

/** A metric value: `-3.5`, `1250`, and with a known decimal mark `12,5` or `1.250,75`. */
export const number: CellParser<number> = (raw, opts) => {
  const expected = "a number like 1250 or -3.5";
  const neg = raw.startsWith("-");
  const body = neg ? raw.slice(1) : raw;
  if (/^\d+(\.\d+)?$/.test(body) && opts?.decimal !== ",") {
    const v = Number(raw);
    return Number.isFinite(v) ? ok(v) : bad(expected);
  }
  const d = readDecimal(body, 12, opts?.decimal);
  if (d && "ambiguous" in d)
    return bad(
      `${expected}; ${raw} reads two ways — say which decimal mark the file uses (--decimal comma|dot)`,
    );
  if (!d) return bad(expected);
  const v = Number(`${d.whole}${d.frac ? `.${d.frac}` : ""}`);
  return Number.isFinite(v) ? ok(neg ? -v : v) : bad(expected);
};

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
  if (["true", "yes", "y", "1", "ja", "j", "sí", "si", "x", "wahr", "verdadero"].includes(v)) return ok(true);
  if (["false", "no", "n", "0", "nein", "falsch", "falso", "-"].includes(v)) return ok(false);
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
