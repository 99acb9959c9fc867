/** Formatting of computed figures for replies. Numbers are never produced here, only shown. */
/**
 * Money in minor units (cents) → "$48,000" or "$15.00": the one money rule for every reply. From 100
 * units up, cents are noise in a chat answer and are left out; below, the currency's own cents show
 * (none for JPY). A malformed currency code is shown as "12.50 dollars" rather than thrown.
 */
export function formatMoney(minor: number, currency = "USD", locale = "en-US"): string {
  const major = minor / 100;
  try {
    const cents = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits as number;
    const digits = Math.abs(major) >= 100 ? 0 : cents;
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // "-$0.00" for a rounding remainder reads like a loss.
      signDisplay: "negative",
    }).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency}`;
  }
}

/**
 * Money in minor units → a plain decimal with two places ("1234.50"): how the REST API, import
 * messages and model prompts write an amount (no symbol, no grouping, no locale).
 */
export function decimalAmount(minor: number): string {
  return (minor / 100).toFixed(2);
}

/** LLM spend in micro-dollars → "$0.0015" (tenths of a cent matter there) or "$12.40". */
export function formatCostMicros(micros: number): string {
  return `$${(micros / 1e6).toFixed(Math.abs(micros) < 10_000 ? 4 : 2)}`;
}

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(
    n,
  );
}

export function formatPct(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)} %`;
}

export const DAY_MS = 86_400_000;

export function daysBetween(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / DAY_MS);
}

/** YYYY-MM-DD in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * DAY_MS);
}
