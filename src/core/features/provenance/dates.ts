/**
 * Dates as people and models write them: ISO "2025-03-15", slash and dot dates "03/15/2025",
 * "15/03/2025", "15.03.25", month names in English, French, German and Spanish ("March 15, 2025",
 * "15th of March", "15 mars 2025", "15. März 2025"), month and year ("March 2025"), and a day/month
 * after "on/by/due" ("due 3/15"). An ambiguous slash date yields both readings; it is supported when
 * either matches a date of the computed result. Patterns: "YYYY-MM-DD", "*-MM-DD" (no year), "YYYY-MM".
 */
export interface DateMention {
  raw: string;
  /** First reading, YYYY-MM-DD (or a pattern with * / without a day). */
  iso: string;
  /** Every reading. */
  candidates: string[];
  index: number;
  length: number;
}

const MONTHS: [RegExp, number][] = [
  [/^(jan(uary)?|janv(ier)?|januar|enero|ene)$/, 1],
  [/^(feb(ruary)?|févr(ier)?|fevr(ier)?|februar|febrero)$/, 2],
  [/^(mar(ch)?|mars|märz|maerz|marzo)$/, 3],
  [/^(apr(il)?|avr(il)?|abr(il)?)$/, 4],
  [/^(may|mai|mayo)$/, 5],
  [/^(jun(e)?|juin|juni|junio)$/, 6],
  [/^(jul(y)?|juil(let)?|juli|julio)$/, 7],
  [/^(aug(ust)?|août|aout|ago(sto)?)$/, 8],
  [/^(sep(t(ember)?)?|sept(embre)?|septiembre)$/, 9],
  [/^(oct(ober)?|oktober|octubre)$/, 10],
  [/^(nov(ember)?|novembre|noviembre)$/, 11],
  [/^(dec(ember)?|déc(embre)?|dezember|dic(iembre)?|dez)$/, 12],
];
const MONTH_WORD =
  "(?:jan(?:uary)?|janv(?:ier)?|januar|enero|feb(?:ruary)?|f[ée]vr(?:ier)?|februar|febrero|mar(?:ch)?|mars|m[äa]e?rz|marzo|apr(?:il)?|avr(?:il)?|abr(?:il)?|may|mai|mayo|june?|juin|juni|junio|july?|juil(?:let)?|juli|julio|aug(?:ust)?|ao[ûu]t|agosto|sep(?:t(?:ember)?)?|sept(?:embre)?|septiembre|oct(?:ober)?|oktober|octubre|nov(?:ember)?|novembre|noviembre|dec(?:ember)?|d[ée]c(?:embre)?|dezember|dic(?:iembre)?)";

const monthOf = (w: string): number | null => {
  const l = w.toLowerCase().replace(/\.$/, "");
  return MONTHS.find(([re]) => re.test(l))?.[1] ?? null;
};
const pad = (n: number) => String(n).padStart(2, "0");
const year4 = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));
const valid = (y: number | null, m: number, d: number | null) =>
  m >= 1 && m <= 12 && (d === null || (d >= 1 && d <= 31)) && (y === null || (y >= 1900 && y <= 2200));
const fmt = (y: number | null, m: number, d: number | null) =>
  d === null ? `${y}-${pad(m)}` : `${y === null ? "*" : y}-${pad(m)}-${pad(d)}`;

interface Pattern {
  re: RegExp;
  read: (m: RegExpExecArray) => [y: number | null, mo: number, d: number | null][];
}

const ORD = "(?:st|nd|rd|th|er|e|\\.)?";
const PATTERNS: Pattern[] = [
  {
    re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?(?!\d)/g,
    read: (m) => [[Number(m[1]), Number(m[2]), Number(m[3])]],
  },
  {
    // 03/15/2025 (US) or 15/03/2025; also with dots or dashes and two-digit years.
    re: /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/%])/g,
    read: (m) => {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = year4(m[4] as string);
      const out: [number, number, number][] = [];
      if (m[2] !== ".") out.push([y, a, b]); // month first (US) — not with dots, which are European
      out.push([y, b, a]);
      return out;
    },
  },
  {
    re: new RegExp(`\\b(${MONTH_WORD})\\.?\\s+(\\d{1,2})${ORD}(?!\\d)(?:,?\\s+(\\d{4}))?(?![\\d%])`, "gi"),
    read: (m) => [[m[3] ? Number(m[3]) : null, monthOf(m[1] as string) ?? 0, Number(m[2])]],
  },
  {
    re: new RegExp(
      `(?<![\\d.,])(\\d{1,2})${ORD}\\s*(?:of\\s+|de\\s+)?(${MONTH_WORD})\\b\\.?(?:,?\\s+(?:de\\s+)?(\\d{4}))?(?![\\d%])`,
      "gi",
    ),
    read: (m) => [[m[3] ? Number(m[3]) : null, monthOf(m[2] as string) ?? 0, Number(m[1])]],
  },
  {
    re: new RegExp(`\\b(${MONTH_WORD})\\.?,?\\s+(?:de\\s+)?(\\d{4})(?![\\d%])`, "gi"),
    read: (m) => [[Number(m[2]), monthOf(m[1] as string) ?? 0, null]],
  },
  {
    re: /\b(?:on|by|due|until|till|before|after|from|since|le|am|el)\s+(\d{1,2})\/(\d{1,2})(?![\d/%])/gi,
    read: (m) => [
      [null, Number(m[1]), Number(m[2])],
      [null, Number(m[2]), Number(m[1])],
    ],
  },
];

/** Every date in `text` (already digit-normalised), without overlaps, earliest first. */
export function readDates(text: string): DateMention[] {
  const out: DateMention[] = [];
  const taken: [number, number][] = [];
  for (const p of PATTERNS) {
    for (const m of text.matchAll(p.re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const readings = p.read(m as RegExpExecArray).filter(([y, mo, d]) => valid(y, mo, d));
      if (readings.length === 0) continue;
      const candidates = readings.map(([y, mo, d]) => fmt(y, mo, d));
      let raw = m[0];
      // Keep a leading keyword ("due 3/15") out of the raw text shown in logs.
      if (p === PATTERNS.at(-1)) raw = raw.replace(/^\S+\s+/, "");
      taken.push([start, end]);
      out.push({ raw, iso: candidates[0] as string, candidates, index: start, length: m[0].length });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Whether a date reading ("2025-03-15", "*-03-15", "2025-03") matches an ISO day. */
export function dateMatches(candidate: string, isoDay: string): boolean {
  if (candidate.startsWith("*")) return isoDay.slice(4) === candidate.slice(1);
  if (candidate.length === 7) return isoDay.startsWith(candidate);
  return isoDay === candidate;
}
