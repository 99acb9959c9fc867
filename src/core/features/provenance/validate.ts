import { collectFigures, type FigureContext } from "./context.js";
import { type DateMention, extractDates, extractNumbers, type NumberMention } from "./numbers.js";

export interface FigureCheck {
  ok: boolean;
  /** Figures in the text that the context does not support. */
  unsupported: string[];
  /** How many figures were checked. */
  checked: number;
}

export interface FigureCheckOptions {
  /** Counts too small to be a claim ("1 PO", "0 blockers"); default: integers up to 1. */
  trivialMax?: number;
}

const EPS = 1e-9;

function supportsNumber(m: NumberMention, ctx: FigureContext): boolean {
  const tol = m.tolerance + EPS + Math.abs(m.value) * 1e-12;
  for (const v of ctx.numbers) {
    if (Math.abs(m.value - v) <= tol) return true;
    const a = Math.abs(v);
    if (m.percent) {
      // A fraction in the context (0.4125) may be written as a percentage ("41 %").
      if (a <= 10 && Math.abs(m.value - v * 100) <= tol) return true;
    } else if (m.scale === 1 && Math.abs(m.value - a) <= tol) {
      // "down 1,200" for a context value of -1,200.
      return true;
    }
  }
  return false;
}

function supportsDate(d: DateMention, ctx: FigureContext): boolean {
  return ctx.dates.has(d.iso);
}

/**
 * Checks that every figure in `text` comes from the computed context, allowing formatting and
 * rounding to the precision shown ("41.3k", "$41,250", "41 %" for 0.41). Dates must match exactly.
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
  const numbers = extractNumbers(text);
  const dates = extractDates(text);
  for (const d of dates) if (!supportsDate(d, ctx)) unsupported.push(d.raw);
  for (const m of numbers) {
    if (!m.percent && m.scale === 1 && Number.isInteger(m.value) && m.value <= trivialMax) continue;
    if (!supportsNumber(m, ctx)) unsupported.push(m.raw);
  }
  return { ok: unsupported.length === 0, unsupported, checked: numbers.length + dates.length };
}

function isFigureContext(v: unknown): v is FigureContext {
  return Boolean(
    v &&
      typeof v === "object" &&
      Array.isArray((v as FigureContext).numbers) &&
      (v as FigureContext).dates instanceof Set,
  );
}
