/** Number formatting for explanations; one place so every message reads the same. */

export function money(raw: number, currency = "USD"): string {
  const value = Math.round(raw * 100) / 100; // solver noise (99.99999) must not print as "$100.00"
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
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
