import { formatMoney } from "../../kernel/format.js";

/** Number formatting for explanations; one place so every message reads the same. */

/** Solver figures are in major units; rounded to cents (99.99999 is $100) and shown by the one money rule. */
export function money(raw: number, currency = "USD"): string {
  return formatMoney(Math.round(raw * 100), currency);
}

export function num(value: number, maxDigits = 2): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: maxDigits }).format(value);
}

export function pct(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** Rounds solver noise (1e-9) away so plans show whole numbers where they are whole. */
export function clean(value: number, digits = 4): number {
  const f = 10 ** digits;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}
