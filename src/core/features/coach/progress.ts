import type { ProgressSink } from "../../intents/feature.js";

/**
 * Streaming without ever showing an unchecked figure: the model's text is passed on only up to the
 * last complete sentence (a figure cut mid-way, "$1" of "$12,500", is never a prefix that is shown),
 * and only after that prefix passed the same checks as the final reply (figures from this turn's
 * facts, no foreign links, contacts, mentions or instructions, no system-prompt echo). Once a
 * prefix fails, nothing more is shown: the final reply (template wording) replaces the placeholder.
 *
 * Why not stream raw tokens and fix up afterwards: a figure shown for a second is a figure seen.
 * Why not wait and then replay the validated text: that only delays the answer. Sentence-level
 * checks show most of a long answer early at the cost of a few checks per answer (sub-millisecond).
 */
export function checkedProgress(
  sink: ProgressSink,
  check: (prefix: string) => boolean,
): (soFar: string) => void {
  let shown = 0;
  let refused = false;
  return (soFar) => {
    if (refused) return;
    const end = lastSentenceEnd(soFar);
    if (end <= shown) return;
    const prefix = soFar.slice(0, end).trimEnd();
    if (!check(prefix)) {
      refused = true;
      return;
    }
    shown = end;
    sink(prefix);
  };
}

/** Index just after the last sentence end: ".", "!", "?", "…" followed by whitespace, or a newline. */
export function lastSentenceEnd(s: string): number {
  let end = 0;
  for (const m of s.matchAll(/[.!?…]["')\]]?(?=\s)|\n/g)) end = m.index + m[0].length;
  return end;
}
