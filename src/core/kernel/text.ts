/** Levenshtein distance: "did you mean" for commands, how much an approver changed a draft. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** What `wellFormed` repaired (counts only: never the text, which is personal data). */
export interface TextRepairs {
  nul: number;
  loneSurrogates: number;
}

// Code units, not code points (no `u` flag): a high surrogate not followed by a low one, or a low
// surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from outside (chat messages, webhook bodies) made safe to store and serialise: NUL bytes are
 * dropped (Postgres `text` and `jsonb` reject U+0000) and lone surrogates become U+FFFD (JSON
 * encoders and `jsonb` reject them). Valid surrogate pairs (emoji), RTL and every other character
 * are kept. Counts of what changed are added to `repairs` for a log line.
 */
export function wellFormed(s: string, repairs?: TextRepairs): string {
  let out = s;
  if (out.includes("\u0000")) {
    const before = out.length;
    out = out.replaceAll("\u0000", "");
    if (repairs) repairs.nul += before - out.length;
  }
  out = out.replace(LONE_SURROGATE, () => {
    if (repairs) repairs.loneSurrogates++;
    return "\uFFFD";
  });
  return out;
}

/** `wellFormed` over every string (keys too) of a parsed JSON value; returns a repaired copy only where needed. */
export function wellFormedDeep<T>(value: T, repairs: TextRepairs): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return wellFormed(v, repairs);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[wellFormed(k, repairs)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Whether anything was repaired. */
export const repaired = (r: TextRepairs): boolean => r.nul + r.loneSurrogates > 0;

/** A count with its noun in the right number: plural(1, "day") = "1 day", plural(3, "day") = "3 days". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === -1 ? one : many}`;
}
