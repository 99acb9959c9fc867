/**
 * Typed figures of one turn's computed result, each with an id naming where it came from
 * ("pipeline.open_value", "revenue.change_pct"). A model-phrased reply may only state these
 * (provenance by construction): text the model saw — deal notes, customer names, old summaries —
 * never adds a figure that validates.
 */
export type FactKind = "money" | "count" | "percent" | "ratio" | "date" | "duration" | "number";

export interface TypedFact {
  id: string;
  kind: FactKind;
  /** Major units for money, days for durations, percent points for percentages, ISO day for dates. */
  value: number | string;
  /** ISO code for money. */
  currency?: string;
  label?: string;
}

export const money = (id: string, minor: number, currency: string, label?: string): TypedFact => ({
  id,
  kind: "money",
  value: minor / 100,
  currency,
  ...(label ? { label } : {}),
});
export const count = (id: string, n: number, label?: string): TypedFact => ({
  id,
  kind: "count",
  value: n,
  ...(label ? { label } : {}),
});
export const percent = (id: string, pct: number, label?: string): TypedFact => ({
  id,
  kind: "percent",
  value: pct,
  ...(label ? { label } : {}),
});
export const ratio = (id: string, r: number, label?: string): TypedFact => ({
  id,
  kind: "ratio",
  value: r,
  ...(label ? { label } : {}),
});
export const day = (id: string, iso: string, label?: string): TypedFact => ({
  id,
  kind: "date",
  value: iso.slice(0, 10),
  ...(label ? { label } : {}),
});
export const days = (id: string, n: number, label?: string): TypedFact => ({
  id,
  kind: "duration",
  value: n,
  ...(label ? { label } : {}),
});

const SYMBOLS: Record<string, string[]> = {
  $: ["USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"],
  dollar: ["USD", "CAD", "AUD", "NZD", "HKD", "SGD"],
  dollars: ["USD", "CAD", "AUD", "NZD", "HKD", "SGD"],
  bucks: ["USD", "CAD", "AUD"],
  us$: ["USD"],
  a$: ["AUD"],
  c$: ["CAD"],
  nz$: ["NZD"],
  hk$: ["HKD"],
  s$: ["SGD"],
  r$: ["BRL"],
  "€": ["EUR"],
  euro: ["EUR"],
  euros: ["EUR"],
  "£": ["GBP"],
  pound: ["GBP"],
  pounds: ["GBP"],
  "¥": ["JPY", "CNY"],
  yen: ["JPY"],
  "₹": ["INR"],
  rupee: ["INR"],
  rupees: ["INR"],
  chf: ["CHF"],
  "fr.": ["CHF"],
  franc: ["CHF"],
  francs: ["CHF"],
  kr: ["SEK", "NOK", "DKK"],
  zł: ["PLN"],
  kč: ["CZK"],
};

/** Whether a written currency ("$", "USD", "euros") can denote the fact's currency. */
export function currencyCompatible(written: string | undefined, factCurrency: string | undefined): boolean {
  if (!written || !factCurrency) return true;
  const w = written.toLowerCase();
  const codes = SYMBOLS[w] ?? [written.toUpperCase()];
  return codes.includes(factCurrency.toUpperCase());
}
