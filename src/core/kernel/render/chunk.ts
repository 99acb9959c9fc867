/**
 * Splits text into pieces of at most `max` characters, preferring paragraph, then line, then word
 * boundaries; a single over-long word is cut. Concatenating the pieces with "\n" loses no content
 * other than the whitespace at the cut points. Shared by every channel renderer.
 */
export function chunkText(text: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be positive");
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max * 0.5) cut = window.lastIndexOf("\n");
    if (cut < max * 0.5) cut = window.lastIndexOf(" ");
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.length || out.length === 0) out.push(rest);
  return out;
}
