import { type DateMention, readDates } from "./dates.js";
import { normalizeDigits } from "./normalize.js";
import { NUMBER_WORD, readNumberWords, readNumeral } from "./numerals.js";

export type { DateMention } from "./dates.js";
export { normalizeDigits } from "./normalize.js";

/**
 * Finds the figures in a piece of text as a reader would see them, however written: "$41,250",
 * "41.250 €", "USD41250", "41.3k", "4.1M", "2,5 Mio", "12,34,567", "４１，２５０", "٤١٬٢٥٠",
 * "(-27.6%)", "−5", "+25 %", "50 bps", "3x", "×3", "3-fold", "1/2", "3rd", "20 days", "twenty-three",
 * years ("in 2025"). Dates are read separately (`extractDates`). Each mention keeps its displayed
 * precision so a validator can accept rounding ("41.3k" for 41,250) and refuse invention.
 */
export type MentionKind =
  | "number"
  | "money"
  | "percent"
  | "ratio"
  | "times"
  | "fraction"
  | "ordinal"
  | "duration"
  | "year";

export interface Reading {
  value: number;
  /** Half a unit of the last displayed digit, after scale: "41.3k" → 50, "$41,250" → 0.5. */
  tolerance: number;
}

export interface NumberMention {
  /** The text as written (digit-normalised), e.g. "$41.3k". */
  raw: string;
  /** The value of the first reading, after scale: "41.3k" → 41300, "41 %" → 41. */
  value: number;
  tolerance: number;
  /** Every reading ("1,234" is 1234 or 1.234). */
  readings: Reading[];
  kind: MentionKind;
  percent: boolean;
  /** 1, 1e3, 1e6, 1e9… */
  scale: number;
  /** An explicit sign was written ("-27.6%", "+25 %"): the sign must match too. */
  signed: boolean;
  /** ISO code or symbol when written ("USD", "$"). */
  currency?: string;
  /** Duration in days per unit ("3 weeks" → 7). */
  daysPerUnit?: number;
  /** Numerator and denominator of a fraction. */
  parts?: [number, number];
}

const CUR_SYM = "US\\$|A\\$|C\\$|NZ\\$|HK\\$|S\\$|R\\$|\\$|€|£|¥|₹|₩|₽|₺|₪|฿|₫|₦|₱|₴|zł|Kč|kr|CHF|Fr\\.";
// Codes are upper case only ("try 3 ideas" is not 3 Turkish lira).
const CUR_CODE =
  "(?-i:USD|EUR|GBP|JPY|CAD|AUD|NZD|INR|CNY|RMB|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|AED|SAR|SGD|HKD|KRW|TRY|ILS|RUB|NGN|KES|EGP|MAD|THB|IDR|PHP|VND|MYR|ARS|CLP|COP|PEN|UAH|RON|BGN)";
const CUR_WORD = "dollars?|euros?|pounds?|bucks|yen|rupees?|francs?";
const SPACED_EUR = "€|(?-i:EUR|CHF|PLN|SEK|NOK|DKK|CZK|HUF)|kr|zł|Kč";
// Spanish, German and Arabic scale words too ("125,8 mil $", "1,2 Mio.", "125.8 ألف"): a reply in
// the asker's language rounds that way, and a scale the reader skipped would misread the figure.
const MULT =
  "k|K|thousand|thousands|m|M|mn|mm|mio\\.?|million|millions|b|B|bn|bln|billion|billions|mrd\\.?|tn|trillion|lakhs?|crores?|mil millones|mil|millón|millones|tsd\\.?|tausend|millionen|milliarden|ألف|آلاف|مليون|ملايين|مليار";
const PCT = "%|‰|percentage points?|percent|per\\s?cent|pct|pp|bps|basis points";
const DUR =
  "business days?|working days?|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y|hours?|hrs?|h|minutes?|mins?";

const NUMBER = new RegExp(
  [
    "(?<![\\p{L}\\d_#.,/'×])(?<![\\p{L}_#]-)",
    "(?<sign1>[-+±](?=\\s?(?:[\\d.]|" + CUR_SYM + "|" + CUR_CODE + ")))?",
    `(?:(?<pre>${CUR_SYM}|${CUR_CODE})\\s?)?`,
    "(?<sign2>[-+])?",
    `(?<num>\\d{1,3}(?: \\d{3})+(?:,\\d+)?(?=\\s?(?:${SPACED_EUR})(?![\\p{L}]))|\\d+(?:[,.'_]\\d+)*|\\.\\d+)`,
    "(?:\\s?/\\s?(?<den>\\d+)(?![\\d/]))?",
    "(?:",
    `\\s?(?<pct>${PCT})(?![\\p{L}])`,
    `|\\s?(?<mult>${MULT})(?![\\p{L}\\d])`,
    "|(?<x>\\s?[x×](?![\\p{L}\\d])|-?fold\\b)",
    "|(?<times>\\s+times\\b)",
    "|(?<ord>st|nd|rd|th)(?![\\p{L}])",
    `|\\s?(?<dur>${DUR})(?![\\p{L}])`,
    ")?",
    `(?:\\s?(?<post>${CUR_SYM}|${CUR_CODE}|${CUR_WORD})(?![\\p{L}]))?`,
    "(?![\\p{L}\\d])",
  ].join(""),
  "giu",
);
// "x3", "×3": a multiplier written before the number.
const X_BEFORE = /(?<![\p{L}\d])[x×](\d+(?:\.\d+)?)(?![\p{L}\d])/gu;
const TIME = /\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?/gi;
// "3 suggestions", "two steps": the shape of the answer, not a claim about the business.
const META_COUNT =
  /^\s*(?:suggestions?|steps?|things?|ways?|options?|ideas?|questions?|points?|tips?|actions?|priorities|reasons?|areas?|bullets?|quick wins?)\b/i;

const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  thousands: 1e3,
  m: 1e6,
  mn: 1e6,
  mm: 1e6,
  mio: 1e6,
  million: 1e6,
  millions: 1e6,
  b: 1e9,
  bn: 1e9,
  bln: 1e9,
  billion: 1e9,
  billions: 1e9,
  mrd: 1e9,
  tn: 1e12,
  trillion: 1e12,
  lakh: 1e5,
  lakhs: 1e5,
  crore: 1e7,
  crores: 1e7,
  "mil millones": 1e9,
  mil: 1e3,
  millón: 1e6,
  millones: 1e6,
  tsd: 1e3,
  tausend: 1e3,
  millionen: 1e6,
  milliarden: 1e9,
  ألف: 1e3,
  آلاف: 1e3,
  مليون: 1e6,
  ملايين: 1e6,
  مليار: 1e9,
};
const DAYS: [RegExp, number][] = [
  [/^(business|working) days?$/, 1.4],
  [/^(days?|d)$/, 1],
  [/^(weeks?|wks?|w)$/, 7],
  [/^(months?|mos?)$/, 30.44],
  [/^(years?|yrs?|y)$/, 365],
  [/^(hours?|hrs?|h)$/, 1 / 24],
  [/^(minutes?|mins?)$/, 1 / 1440],
];

/** Blanks what was already read (dates, times) so it is not read again as plain numbers. */
function blank(text: string, spans: { index: number; length: number }[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.index) + " ".repeat(s.length) + out.slice(s.index + s.length);
  return out;
}

/** ISO and other dates in the text (a date is checked as a whole, not as three numbers). */
export function extractDates(text: string): DateMention[] {
  return readDates(normalizeDigits(text));
}

/** Every numeric mention outside dates and clock times. */
export function extractNumbers(text: string): NumberMention[] {
  const norm = normalizeDigits(text);
  const dated = blank(norm, readDates(norm));
  const cleaned = dated.replace(TIME, (t) => " ".repeat(t.length));
  const out: (NumberMention & { at: number })[] = [];
  for (const m of cleaned.matchAll(NUMBER)) {
    const g = m.groups ?? {};
    const mention = toMention(m[0], g, cleaned.slice((m.index ?? 0) + m[0].length));
    if (mention) out.push({ ...mention, at: m.index ?? 0 });
  }
  for (const m of cleaned.matchAll(X_BEFORE)) {
    const v = Number(m[1]);
    out.push({
      ...plain(m[0], [{ value: v, tolerance: tol(m[1] as string, 1) }], "ratio"),
      at: m.index ?? 0,
    });
  }
  for (const m of cleaned.matchAll(NUMBER_WORD)) {
    const v = readNumberWords(m[0]);
    const after = cleaned.slice((m.index ?? 0) + m[0].length);
    if (v === null || v <= 1 || (v <= 10 && META_COUNT.test(after))) continue;
    const pct = /^\s*(percent|per cent|%)/i.test(after);
    const cur = /^\s*(dollars?|euros?|pounds?|bucks)/i.exec(after)?.[1];
    out.push({
      ...plain(m[0], [{ value: v, tolerance: 1e-9 }], pct ? "percent" : cur ? "money" : "number"),
      ...(cur ? { currency: cur.toLowerCase() } : {}),
      at: m.index ?? 0,
    });
  }
  return out.sort((a, b) => a.at - b.at).map(({ at: _at, ...rest }) => rest);
}

function tol(numeral: string, scale: number): number {
  const decimals = /[.,](\d+)$/.exec(numeral)?.[1]?.length ?? 0;
  return 0.5 * 10 ** -decimals * scale;
}

/** A mention from its readings: the first reading is its value; unscaled and unsigned unless the caller says. */
function plain(raw: string, readings: Reading[], kind: MentionKind): NumberMention {
  const first = readings[0] as Reading;
  return {
    raw: raw.trim(),
    value: first.value,
    tolerance: first.tolerance,
    readings,
    kind,
    percent: kind === "percent",
    scale: 1,
    signed: false,
  };
}

function toMention(raw: string, g: Record<string, string | undefined>, after: string): NumberMention | null {
  const numeral = (g.num as string).replace(/ /g, "'");
  let readings = readNumeral(numeral).map((r) => ({ value: r.value, tolerance: 0.5 * 10 ** -r.decimals }));
  if (readings.length === 0) return null;
  const sign = g.sign1 ?? g.sign2;
  const negative = sign === "-";
  const currency = g.pre ?? g.post;
  let kind: MentionKind = currency ? "money" : "number";
  let scale = 1;
  let daysPerUnit: number | undefined;
  let parts: [number, number] | undefined;
  if (g.den !== undefined) {
    const den = Number(g.den);
    if (den === 0) return null;
    parts = [readings[0]?.value ?? 0, den];
    readings = [{ value: parts[0] / den, tolerance: 1e-9 }];
    kind = "fraction";
  }
  const pct = g.pct?.toLowerCase().replace(/\s+/g, " ");
  if (pct) {
    kind = "percent";
    const f = pct === "bps" || pct === "basis points" ? 0.01 : pct === "‰" ? 0.1 : 1;
    readings = readings.map((r) => ({ value: r.value * f, tolerance: r.tolerance * f }));
  } else if (g.mult) {
    scale = SCALES[g.mult.toLowerCase().replace(/\.$/, "")] ?? 1;
    readings = readings.map((r) => ({ value: r.value * scale, tolerance: r.tolerance * scale }));
  } else if (g.x) kind = "ratio";
  else if (g.times) kind = "times";
  else if (g.ord) kind = "ordinal";
  else if (g.dur) {
    kind = "duration";
    daysPerUnit = DAYS.find(([re]) => re.test(g.dur!.toLowerCase()))?.[1] ?? 1;
  }
  if (kind === "number" && META_COUNT.test(after) && (readings[0]?.value ?? 11) <= 10) return null;
  if (kind === "number" && !sign && readings.length === 1 && /^\d{4}$/.test(numeral)) {
    const y = Number(numeral);
    if (y >= 1900 && y <= 2100) kind = "year";
  }
  if (negative) readings = readings.map((r) => ({ ...r, value: -r.value }));
  return {
    ...plain(raw, readings, kind),
    scale,
    signed: Boolean(sign && sign !== "±"),
    ...(currency ? { currency } : {}),
    ...(daysPerUnit !== undefined ? { daysPerUnit } : {}),
    ...(parts ? { parts } : {}),
  };
}
