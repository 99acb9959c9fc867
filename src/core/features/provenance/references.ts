import { factContext } from "./context.js";
import type { TypedFact } from "./facts.js";
import { extractDates, extractNumbers, normalizeDigits } from "./numbers.js";
import { checkFigures } from "./validate.js";

/**
 * A summary of older turns keeps figures only as references to their sources: "revenue was
 * $3,000" becomes "revenue was [figure revenue.last30]" when this turn computed it, "[figure]"
 * otherwise. The model that reads the summary later gets no number from it, so a lie folded into
 * a summary can never become "context" that validates (laundering).
 */
export function referenceFigures(text: string, facts: TypedFact[]): string {
  const ctx = factContext(facts);
  let out = normalizeDigits(text);
  const mentions = [...extractDates(text).map((d) => d.raw), ...extractNumbers(text).map((m) => m.raw)];
  let cursor = 0;
  for (const raw of mentions.sort((a, b) => out.indexOf(a) - out.indexOf(b))) {
    const at = out.indexOf(raw, cursor) >= 0 ? out.indexOf(raw, cursor) : out.indexOf(raw);
    if (at < 0) continue;
    const id = checkFigures(raw, ctx, { trivialMax: -1 }).used[0];
    const ref = id ? `[figure ${id}]` : "[figure]";
    out = out.slice(0, at) + ref + out.slice(at + raw.length);
    cursor = at + ref.length;
  }
  // Anything digit-like left (an identifier the reader skips) is kept: it is not a figure.
  return out;
}
