/**
 * Stripe amounts are integers in the currency's smallest unit, and that unit differs: ¥500 is 500,
 * $5.00 is 500, 5.000 BHD is 5000. Keel stores every amount in hundredths of the major unit (the
 * `amount_minor` columns, shown by formatMoney as minor / 100), so the factor depends on the currency.
 * Lists: https://docs.stripe.com/currencies#zero-decimal and #three-decimal.
 */
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "JPY",
  "KMF",
  "KRW",
  "MGA",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/** Decimal places of Stripe's smallest unit for a currency. */
export function stripeDecimals(currency: string): 0 | 2 | 3 {
  const c = currency.toUpperCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** A Stripe amount → Keel minor units (hundredths): JPY 500 → 50000, USD 500 → 500, BHD 5000 → 500. */
export function toKeelMinor(amount: number, currency: string): number {
  const d = stripeDecimals(currency);
  if (d === 0) return amount * 100;
  if (d === 3) return Math.round(amount / 10);
  return amount;
}

/** Keel minor units → the import files' "1250.00" (never negative: callers pass ≥ 0). */
export function asImportAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}
