import { collectFigures, type FigureContext } from "./context.js";
import { dateMatches } from "./dates.js";
import { currencyCompatible, type TypedFact } from "./facts.js";
import {
  type DateMention,
  extractDates,
  extractNumbers,
  type NumberMention,
  type Reading,
} from "./numbers.js";

export interface FigureCheck {
  ok: boolean;
  /** Figures in the text that the context does not support. */
  unsupported: string[];
  /** How many figures were checked. */
  checked: number;
  /** Ids of the typed facts the text used. */
  used: string[];
}

export interface FigureCheckOptions {
  /** Counts too small to be a claim ("1 PO", "0 blockers"); default: integers up to 1. */
  trivialMax?: number;
}

const EPS = 1e-9;

function near(r: Reading, v: number, signed: boolean): boolean {
  // A figure written as zero ("0.000bn", "0k") says nothing about a fact of 1 or more, however
  // coarse its precision: it stands only for a zero (or a fraction below one, e.g. 0.04 as "0.0").
  if (r.value === 0 && Math.abs(v) >= 1) return false;
  const tol = r.tolerance + EPS + Math.abs(r.value) * 1e-12;
  // Without a written sign, "fell 27.6 %" states the size of a change of −27.6.
  return signed ? Math.abs(r.value - v) <= tol : Math.abs(Math.abs(r.value) - Math.abs(v)) <= tol;
}

/** Which values of a typed fact a mention of this kind may denote. */
function candidatesOf(m: NumberMention, f: TypedFact): number[] {
  if (typeof f.value !== "number") return [];
  const v = f.value;
  switch (m.kind) {
    case "money":
      return f.kind === "money" && currencyCompatible(m.currency, f.currency)
        ? [v]
        : f.kind === "number"
          ? [v]
          : [];
    case "percent":
      // "+25 %" for a ratio of 1.25; "41 %" for a share of 0.41.
      return f.kind === "percent" || f.kind === "number"
        ? [v]
        : f.kind === "ratio"
          ? [v * 100, (v - 1) * 100]
          : [];
    case "ratio":
      return f.kind === "ratio" ? [v] : [];
    case "times":
      return f.kind === "ratio" || f.kind === "count" ? [v] : [];
    case "fraction":
      return f.kind === "ratio" ? [v] : f.kind === "percent" ? [v / 100] : [];
    case "duration":
      return f.kind === "duration" || f.kind === "count" || f.kind === "number" ? [v] : [];
    case "year":
      return f.kind === "count" || f.kind === "number" ? [v] : [];
    default:
      return f.kind === "date" ? [] : [v];
  }
}

function supportsNumber(m: NumberMention, ctx: FigureContext, used: Set<string>): boolean {
  const signed = m.signed;
  const readings =
    m.kind === "duration" && m.daysPerUnit && m.daysPerUnit !== 1
      ? [
          ...m.readings,
          // "1 year" may round 360–370 days, not 500: the unit's own half-width would be too loose.
          ...m.readings.map((r) => ({
            value: r.value * m.daysPerUnit!,
            tolerance: r.tolerance * m.daysPerUnit! * 0.2,
          })),
        ]
      : m.readings;
  for (const r of readings) {
    for (const v of ctx.numbers) {
      if (near(r, v, signed)) return true;
      if (m.kind === "percent" && Math.abs(v) <= 10 && near(r, v * 100, signed)) return true;
      if (m.kind === "fraction" && Math.abs(v) > 1 && near(r, v / 100, signed)) return true;
    }
    for (const f of ctx.facts ?? [])
      for (const v of candidatesOf(m, f))
        if (near(r, v, signed)) {
          used.add(f.id);
          return true;
        }
  }
  if (m.kind === "year") {
    const y = String(Math.abs(m.value));
    if ([...ctx.dates].some((d) => d.startsWith(y))) return true;
    if ((ctx.facts ?? []).some((f) => f.kind === "date" && String(f.value).startsWith(y))) return true;
  }
  // "2/3 of deals": both numbers stated.
  if (m.kind === "fraction" && m.parts) {
    const [a, b] = m.parts;
    const whole = (n: number) =>
      ctx.numbers.some((v) => Math.abs(Math.abs(v) - n) < EPS) ||
      (ctx.facts ?? []).some((f) => (f.kind === "count" || f.kind === "number") && f.value === n);
    if ((a <= 1 || whole(a)) && whole(b)) return true;
  }
  return false;
}

function supportsDate(d: DateMention, ctx: FigureContext, used: Set<string>): boolean {
  for (const c of d.candidates) {
    if ([...ctx.dates].some((iso) => dateMatches(c, iso))) return true;
    const f = (ctx.facts ?? []).find((x) => x.kind === "date" && dateMatches(c, String(x.value)));
    if (f) {
      used.add(f.id);
      return true;
    }
  }
  return false;
}

function trivial(m: NumberMention, trivialMax: number): boolean {
  return (
    (m.kind === "number" || m.kind === "ordinal") &&
    !m.signed &&
    // "0.000bn", "1.0x", "$0": a scale, decimals or a currency make it a claim, however small.
    m.scale === 1 &&
    !m.currency &&
    !/[.,]\d/.test(m.raw) &&
    m.readings.length === 1 &&
    Number.isInteger(m.value) &&
    m.value >= 0 &&
    m.value <= trivialMax
  );
}

/**
 * Checks that every figure in `text` comes from the context, allowing formatting and rounding to
 * the precision shown ("41.3k", "$41,250", "41 %" for 0.41). Dates must match exactly. With typed
 * facts a mention must also fit the fact's kind: "3x" needs a ratio, "$3" money, "3 %" a percentage.
 * The LLM phrases; it never introduces a number.
 */
export function checkFigures(
  text: string,
  context: FigureContext | unknown,
  opts: FigureCheckOptions = {},
): FigureCheck {
  const ctx = isFigureContext(context) ? context : collectFigures(context);
  const trivialMax = opts.trivialMax ?? 1;
  const unsupported: string[] = [];
  const used = new Set<string>();
  const numbers = extractNumbers(text);
  const dates = extractDates(text);
  for (const d of dates) if (!supportsDate(d, ctx, used)) unsupported.push(d.raw);
  for (const m of numbers) {
    if (trivial(m, trivialMax)) continue;
    if (!supportsNumber(m, ctx, used)) unsupported.push(m.raw);
  }
  return {
    ok: unsupported.length === 0,
    unsupported,
    checked: numbers.length + dates.length,
    used: [...used],
  };
}

function isFigureContext(v: unknown): v is FigureContext {
  return Boolean(
    v &&
      typeof v === "object" &&
      Array.isArray((v as FigureContext).numbers) &&
      (v as FigureContext).dates instanceof Set,
  );
}
