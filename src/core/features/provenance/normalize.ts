/**
 * One spelling of digits and signs before reading figures: a model (or a liar) may write
 * full-width "４１，２５０", Arabic-Indic "٤١٬٢٥٠", Devanagari "४१", a Unicode minus "−27.6" or a
 * narrow no-break space as a thousands separator. NFKC folds the compatibility forms (full-width,
 * ½ → 1⁄2, no-break spaces); the other scripts' digits are mapped here.
 */
const DIGIT_BLOCKS = [
  0x0660, // Arabic-Indic
  0x06f0, // Extended Arabic-Indic (Persian, Urdu)
  0x0966, // Devanagari
  0x09e6, // Bengali
  0x0e50, // Thai
  0x1040, // Myanmar
  0xff10, // full-width (also folded by NFKC)
];

function mapDigits(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const block = DIGIT_BLOCKS.find((b) => c >= b && c <= b + 9);
    out += block === undefined ? ch : String(c - block);
  }
  return out;
}

export function normalizeDigits(text: string): string {
  // A no-break or thin space between digits is a thousands separator ("1 234 567"); mark it before
  // NFKC turns it into an ordinary space (which between numbers usually separates two figures).
  const marked = text.replace(/(?<=\d)[\u00a0\u202f\u2009\u2007](?=\d{3}(?!\d))/g, "'");
  return mapDigits(marked.normalize("NFKC"))
    .replace(/\u066b/g, ".") // Arabic decimal separator
    .replace(/[\u066c\u060c]/g, ",") // Arabic thousands separator / comma
    .replace(/\u066a/g, "%")
    .replace(/[\u2212\u2012\u2013\u2014\ufe63]/g, "-") // minus, figure/en/em dash
    .replace(/\u2044/g, "/") // fraction slash (½ → 1⁄2 after NFKC)
    .replace(/[\u2018\u2019\u02bc]/g, "'");
}
