/**
 * List prices in US dollars per 1M tokens (input, output), as published by the vendors; local
 * models cost $0 here (their hardware is the operator's fixed cost). Override or extend with
 * LLM_PRICES_JSON, e.g. {"my-vllm-model":{"in":0,"out":0}}. Longest model-name prefix wins.
 */
export interface Price {
  in: number;
  out: number;
}

export const DEFAULT_PRICES: Record<string, Price> = {
  "gpt-4o-mini": { in: 0.15, out: 0.6 },
  "gpt-4o": { in: 2.5, out: 10 },
  "gpt-4.1": { in: 2, out: 8 },
  "gpt-4.1-mini": { in: 0.4, out: 1.6 },
  "gpt-4.1-nano": { in: 0.1, out: 0.4 },
  "gpt-4-turbo": { in: 10, out: 30 },
  "gpt-3.5-turbo": { in: 0.5, out: 1.5 },
  "o3-mini": { in: 1.1, out: 4.4 },
  "o4-mini": { in: 1.1, out: 4.4 },
  "rules-v1": { in: 0, out: 0 },
};

export type PriceTable = Record<string, Price>;

export function buildPriceTable(overrides: Record<string, unknown> | undefined): PriceTable {
  const table: PriceTable = { ...DEFAULT_PRICES };
  for (const [model, p] of Object.entries(overrides ?? {})) {
    const v = p as { in?: unknown; out?: unknown };
    if (typeof v?.in === "number" && typeof v?.out === "number") table[model] = { in: v.in, out: v.out };
  }
  return table;
}

/**
 * Price for `model`. Models from a local provider are free; an unknown cloud model is priced like
 * the most expensive known model so a missing table entry can never under-charge a budget.
 */
export function priceFor(table: PriceTable, model: string, local: boolean): Price {
  if (local) return { in: 0, out: 0 };
  let best: string | undefined;
  for (const key of Object.keys(table))
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  if (best) return table[best] as Price;
  return Object.values(table).reduce((a, b) => (b.in + b.out > a.in + a.out ? b : a), { in: 0, out: 0 });
}

/** Cost in micro-dollars (1e-6 USD), rounded up so tiny calls are never free. */
export function costMicros(price: Price, tokensIn: number, tokensOut: number): number {
  // $/1M tokens × tokens = micro-dollars exactly.
  return Math.ceil(price.in * tokensIn + price.out * tokensOut);
}
