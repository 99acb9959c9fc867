/**
 * Reading one numeral ("1,234.5", "1.234,5", "12,34,567", "1'234") into the values it can denote.
 * A single separator before exactly three digits is ambiguous ("1,234" is 1234 in English and 1.234
 * in German): both readings are returned, and a figure is supported when either is.
 */
export interface Reading {
  value: number;
  /** Digits after the decimal separator (for the displayed precision). */
  decimals: number;
}

const GROUP_CHARS = new Set([",", ".", "'", "_", " "]);

function grouped(groups: string[], indian: boolean): boolean {
  const [first, ...rest] = groups;
  if (!first || first.length > 3 || rest.length === 0) return false;
  if (rest.every((g) => g.length === 3)) return true;
  // Indian grouping: 12,34,567 — 2-digit groups then a final group of 3.
  return indian && rest.at(-1)?.length === 3 && rest.slice(0, -1).every((g) => g.length === 2);
}

/** The readings of a numeral made of digits and separators; [] when it is not a number ("1.2.3"). */
export function readNumeral(s: string): Reading[] {
  const seps = [...s.matchAll(/[^\d]/g)].map((m) => m[0]);
  if (seps.length === 0) return [{ value: Number(s), decimals: 0 }];
  if (seps.some((c) => !GROUP_CHARS.has(c))) return [];
  const kinds = [...new Set(seps)];
  const num = (intPart: string, frac: string): Reading => ({
    value: Number(`${intPart.replace(/[^\d]/g, "")}${frac ? `.${frac}` : ""}`),
    decimals: frac.length,
  });
  if (kinds.length === 1) {
    const sep = kinds[0] as string;
    const parts = s.split(sep);
    if (parts.length === 2 && (sep === "." || sep === ",")) {
      const [a, b] = parts as [string, string];
      const asDecimal = num(a, b);
      if (b.length === 3 && a.length <= 3 && a !== "0" && a !== "")
        return sep === "," ? [num(s, ""), asDecimal] : [asDecimal, num(s, "")];
      return [asDecimal];
    }
    return grouped(parts, sep === ",") ? [num(s, "")] : [];
  }
  // Two kinds: the last separator is the decimal one, the others group ("1.234,56", "1,234.56", "1'234.5").
  const lastSep = seps.at(-1) as string;
  if (lastSep !== "." && lastSep !== ",") return [];
  const at = s.lastIndexOf(lastSep);
  const intPart = s.slice(0, at);
  const frac = s.slice(at + 1);
  const groupSeps = [...new Set(intPart.match(/[^\d]/g) ?? [])];
  if (groupSeps.length !== 1 || groupSeps[0] === lastSep) return [];
  if (!grouped(intPart.split(groupSeps[0] as string), groupSeps[0] === ",")) return [];
  return [num(intPart, frac)];
}

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const BIG: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9 };

export const NUMBER_WORD = new RegExp(
  `\\b(?:${[...Object.keys(SMALL), ...Object.keys(BIG)].join("|")})(?:(?:[\\s-]+|\\s+and\\s+)(?:${[...Object.keys(SMALL), ...Object.keys(BIG)].join("|")}))*\\b`,
  "gi",
);

/** "twenty-three" → 23, "two million five hundred thousand" → 2,500,000; null for "hundred" alone. */
export function readNumberWords(s: string): number | null {
  const words = s
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w && w !== "and");
  let total = 0;
  let current = 0;
  let sawSmall = false;
  for (const w of words) {
    if (w in SMALL) {
      current += SMALL[w] as number;
      sawSmall = true;
    } else if (w === "hundred") current = (current || 1) * 100;
    else {
      total += (current || 1) * (BIG[w] as number);
      current = 0;
    }
  }
  return sawSmall ? total + current : null;
}
