/**
 * Finds the figures in a piece of text as a reader would see them: "$41,250", "41.3k", "41 %",
 * "4.1M", "2025-03-01". Each mention keeps its displayed precision so a validator can accept
 * rounding ("41.3k" for 41,250) and refuse invention ("$48,000" for 41,250).
 */
export interface NumberMention {
  /** The text as written, e.g. "$41.3k". */
  raw: string;
  /** The value it denotes after scale: "41.3k" → 41300, "41 %" → 41. */
  value: number;
  /** Half a unit of the last displayed digit, after scale: "41.3k" → 50, "$41,250" → 0.5. */
  tolerance: number;
  percent: boolean;
  /** 1, 1e3, 1e6 or 1e9. */
  scale: number;
}

export interface DateMention {
  raw: string;
  /** YYYY-MM-DD */
  iso: string;
}

const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?\b/g;
const TIME = /\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
// Digits not glued to a word, identifier or reference ("INV-1042", "#12", "v2", "Q3").
const NUMBER =
  /(?<![\p{L}\d.#/\-_])([$€£])?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?(%|percent\b|per cent\b)|\s?(k|K|m|M|bn|B)\b|\s(thousand|million|billion)\b)?(?![\p{L}\d])/gu;

const SCALES: Record<string, number> = {
  k: 1e3,
  K: 1e3,
  m: 1e6,
  M: 1e6,
  bn: 1e9,
  B: 1e9,
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
};

/** Western digits for Arabic-Indic and Persian ones, so Arabic replies are checked too. */
export function normalizeDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066b/g, ".")
    .replace(/\u066c/g, ",")
    .replace(/\u066a/g, "%");
}

/** ISO dates in the text (a date is checked as a whole, not as three numbers). */
export function extractDates(text: string): DateMention[] {
  return [...normalizeDigits(text).matchAll(ISO_DATE)].map((m) => ({
    raw: m[0],
    iso: `${m[1]}-${m[2]}-${m[3]}`,
  }));
}

/** Every numeric mention outside dates and clock times. */
export function extractNumbers(text: string): NumberMention[] {
  const cleaned = normalizeDigits(text).replace(ISO_DATE, " ").replace(TIME, " ");
  const out: NumberMention[] = [];
  for (const m of cleaned.matchAll(NUMBER)) {
    const [raw, , intPart, frac, pct, suffix, word] = m;
    const decimals = frac?.length ?? 0;
    const scale = SCALES[suffix ?? word ?? ""] ?? 1;
    const base = Number(`${intPart!.replace(/,/g, "")}${frac ? `.${frac}` : ""}`);
    if (!Number.isFinite(base)) continue;
    out.push({
      raw: raw.trim(),
      value: base * scale,
      tolerance: 0.5 * 10 ** -decimals * scale,
      percent: Boolean(pct),
      scale,
    });
  }
  return out;
}
