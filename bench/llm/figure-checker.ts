/**
 * An independent figure checker for the llm-truth benchmark: it shares no code with Keel's number
 * reader (src/core/features/provenance), so a blind spot there is not repeated here. Every figure in a
 * reply — digits in any script, with a sign, a multiplier or unit after it, and number words — must
 * equal a figure of this turn's computed facts (or the asker's own words). It is deliberately
 * stricter than Keel: "$15k" for "$15,000" counts as invented, so the count is an upper bound.
 */
const DIGIT_SETS = ["٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९"];

function asciiDigits(s: string): string {
  let out = s.normalize("NFKC").replace(/[−–—]/g, "-");
  for (const set of DIGIT_SETS) out = out.replace(new RegExp(`[${set}]`, "g"), (c) => String(set.indexOf(c)));
  return out;
}

const SUFFIX =
  /^\s?(k|m|mm|bn|b|mio|mrd|x|×|-?fold|times|th|st|nd|rd|%|‰|percent|basis points|bps|d|h|days?|weeks?|months?|years?|hours?)\b|^\s?(%|‰|×)/i;
const WORDS =
  /\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|twice|double|triple|quadruple|half)\b/gi;

/** Each figure as "sign value|suffix" keys, under both decimal conventions when ambiguous. */
export function figureKeys(text: string): Set<string>[] {
  const t = asciiDigits(text);
  const out: Set<string>[] = [];
  const re = /(\(?[-+]?)?(\d+(?:[.,'\u00a0\u202f ]\d{3})*(?:[.,]\d+)?)/g;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const sign = (m[1] ?? "").includes("-") ? "-" : "";
    const raw = m[2]!;
    const after = t.slice(m.index + m[0].length);
    const suffix = (SUFFIX.exec(after)?.[0] ?? "").trim().toLowerCase().replace(/s$/, "");
    const readings = new Set<number>();
    const plain = raw.replace(/[\u00a0\u202f' ]/g, "");
    // dot-decimal ("15,000.50") and comma-decimal ("15.000,50") readings
    readings.add(Number(plain.replace(/,/g, "")));
    readings.add(Number(plain.replace(/\./g, "").replace(",", ".")));
    const keys = new Set<string>();
    for (const v of readings) if (Number.isFinite(v)) keys.add(`${sign}${v}|${suffix}`);
    out.push(keys);
  }
  for (const w of t.matchAll(WORDS)) out.push(new Set([`word:${w[0].toLowerCase()}`]));
  return out;
}

/** Figures in `reply` that match nothing in `allowed` (the facts, the question). */
export function inventedFigures(reply: string, allowed: string[]): string[] {
  const ok = new Set<string>();
  for (const a of allowed) for (const keys of figureKeys(a)) for (const k of keys) ok.add(k);
  // A fact's bare value also allows the same value with a unit the fact states in words nearby is
  // NOT granted: "3 deals" does not make "3x" a fact.
  const bad: string[] = [];
  for (const keys of figureKeys(reply)) if (![...keys].some((k) => ok.has(k))) bad.push([...keys][0]!);
  return bad;
}
