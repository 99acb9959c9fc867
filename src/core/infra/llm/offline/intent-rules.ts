/**
 * Rule-based intent detection: keyword and pattern rules, no model. Used by the offline provider
 * and as the first (free) stage of the coach's classifier. Rules are ordered by specificity;
 * several different kinds matching at once marks the result ambiguous (the coach may then ask a model).
 */
export const INTENT_KINDS = [
  "coach",
  "cashflow",
  "deal",
  "remind",
  "why",
  "plan",
  "goal",
  "forecast",
  "help",
] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export interface RuleIntent {
  kind: IntentKind;
  args: Record<string, string | number>;
  /** 0..1: how sure the rules are. */
  confidence: number;
  /** Other kinds that also matched (non-empty → ambiguous). */
  alternatives: IntentKind[];
  /** True when the text carries signals the rules could not settle. */
  ambiguous: boolean;
}

type Args = Record<string, string | number>;

interface Rule {
  kind: IntentKind;
  /** Strong patterns; the first capture group (if any) is fed to `args`. */
  test: (t: string, raw: string) => Args | null;
}

const num = (s: string | undefined) => (s ? Number(s) : undefined);
const clean = (s: string) =>
  s
    .trim()
    .replace(/[?.!,;:]+$/, "")
    .trim();

const METRIC_WORDS =
  "(revenue|sales|signups?|orders?|traffic|conversion|churn|margin|profit|leads?|visits|bookings|[a-z_]+(?: [a-z_]+)?)";

const RULES: Rule[] = [
  {
    kind: "help",
    test: (t) => (/^(help|\?|commands|menu|what can you do|how do i use (you|keel))\b/.test(t) ? {} : null),
  },
  {
    kind: "cashflow",
    test: (t) => {
      if (
        !/\bcash ?flow\b|\brunway\b|\bcash position\b|\bcash (in|out)\b|\bcash\b.*\b(next|coming)\b|\b(cash|bank balance|balance)\b.*\b(end of|by the end|on \d{4}-|in \d{1,3} (days?|weeks?|months?))/.test(
          t,
        )
      )
        return null;
      // "how much cash will we have at the end of next month" asks for one balance on one day.
      const on = t.match(
        /\b(end of (?:the |this |next )?(?:month|quarter|year|week|[a-z]+)|in \d{1,3} (?:days?|weeks?|months?)|\d{4}-\d{2}-\d{2})\b/,
      )?.[1];
      if (on && /\bcash\b|\bbalance\b|\bbank\b/.test(t)) return { on } as Args;
      const days = num(
        t.match(/\b(\d{1,3})\s*(?:d\b|days?\b)/)?.[1] ?? t.match(/^cash ?flow\s+(\d{1,3})\b/)?.[1],
      );
      return days ? { days } : ({} as Args);
    },
  },
  {
    kind: "why",
    test: (t) => {
      const m = t.match(
        new RegExp(
          `\\bwhy (?:did|has|have|is|are|was|were|do|does)\\s+(?:our |my |the )?${METRIC_WORDS}\\b.*?\\b(drop|fall|fell|decline|dip|go down|went down|down|rise|rose|go up|went up|up|increase|spike|jump|change)`,
        ),
      );
      if (m)
        return {
          metric: m[1] ?? "",
          direction: /drop|fall|fell|decline|dip|down/.test(m[2] ?? "") ? "down" : "up",
        };
      return /\bwhy\b.*\b(drop|dropped|fell|decline|declined|dip|spike|spiked|jump|jumped)\b/.test(t)
        ? ({} as Args)
        : null;
    },
  },
  {
    kind: "forecast",
    test: (t) => {
      if (
        !/\bforecast\b|\bpredict(ion)?\b|\bproject(ed|ion)?\b.*\b(revenue|sales|orders)\b|\bnext (month|quarter)'?s? (revenue|sales)\b/.test(
          t,
        )
      )
        return null;
      const metric = t.match(/\bforecast\s+(?:of\s+|for\s+)?(?:our |my |the )?([a-z_]+)/)?.[1];
      const horizon = num(t.match(/\b(\d{1,3})\s*(?:days?|weeks?|months?)\b/)?.[1]);
      const args: Record<string, string | number> = {};
      if (metric && !["for", "the", "next", "my"].includes(metric)) args.metric = metric;
      if (horizon) args.horizon = horizon;
      return args;
    },
  },
  {
    kind: "goal",
    test: (t) =>
      /\bset (?:a |my |our |new )?(?:sales |revenue )?goals?\b|\bnew goal\b|^goals?\b|\bgoal (?:to|for|of)\b|\bsmart goals?\b/.test(
        t,
      ) ||
      // An aspiration about a metric: "I want to grow revenue", "we'd like to double orders by June".
      /\b(?:i|we)(?: really)?(?: want| would like|['’]d like| need| plan| aim| hope) to (?:grow|increase|raise|boost|double|triple|reach|hit|improve|cut|reduce|lower)\b/.test(
        t,
      )
        ? {}
        : null,
  },
  {
    kind: "plan",
    test: (t) => {
      const m = t.match(
        /\bplan(?:ning)? (?:the |my |our |next week'?s? )?(staff(?:ing)?|shifts?|rota|inventory|stock|orders?|marketing|budget)\b/,
      );
      if (m) return { domain: normaliseDomain(m[1] ?? "") };
      const s = t.match(
        /\b(?:schedule|optimi[sz]e) (?:the |my |our )?(staff|shifts|inventory|stock|marketing budget|budget)\b/,
      );
      return s ? { domain: normaliseDomain(s[1] ?? "") } : null;
    },
  },
  {
    kind: "remind",
    test: (t, raw) => {
      if (
        !/^remind\b|\bremind (me|them|him|her)\b|\bsend (a )?reminder\b|\bchase\b|\bfollow[- ]?up (email|with|on)\b|\bnudge\b/.test(
          t,
        )
      )
        return null;
      const who = raw.match(
        /\b(?:remind|chase|nudge|follow[- ]?up with)\s+(?!me\b|them\b)([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)/,
      )?.[1];
      return who ? { target: clean(who) } : ({} as Args);
    },
  },
  {
    kind: "deal",
    test: (t, raw) => {
      const cmd = raw.match(/^deal\s+(.+)$/i)?.[1];
      if (cmd) return { name: clean(cmd) };
      const named =
        raw.match(/\b(?:the\s+)?([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)\s+deal\b/)?.[1] ??
        raw.match(/\bdeal (?:with|for|called|named)\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)/)?.[1];
      if (named && !/^(The|This|That|Our|My|A|Which|What|How|Why)$/.test(named))
        return { name: clean(named) };
      return /\b(stuck deals?|deal status|my deals|pipeline)\b/.test(t) ? ({} as Args) : null;
    },
  },
];

function normaliseDomain(d: string): string {
  if (/staff|shift|rota/.test(d)) return "staffing";
  if (/inventory|stock|order/.test(d)) return "inventory";
  return "marketing";
}

/** Words that suggest a specific intent the rules could not pin down (a model may do better). */
const WEAK_SIGNALS =
  /\b(will we|next (week|month|quarter|year)|expect|target|remind|cash|deal|why|plan|schedule)\b/;

/** Classifies `text` by rules only. Deterministic and free. */
export function classifyByRules(text: string): RuleIntent {
  const raw = text.trim();
  const t = raw.toLowerCase().replace(/\s+/g, " ");
  const hits: { kind: IntentKind; args: Record<string, string | number> }[] = [];
  for (const rule of RULES) {
    const args = rule.test(t, raw);
    if (args) hits.push({ kind: rule.kind, args });
  }
  const first = hits[0];
  if (!first) {
    const weak = WEAK_SIGNALS.test(t);
    return { kind: "coach", args: {}, confidence: weak ? 0.4 : 0.7, alternatives: [], ambiguous: weak };
  }
  const alternatives = [...new Set(hits.slice(1).map((h) => h.kind))].filter((k) => k !== first.kind);
  // `help` and explicit commands ("deal Acme", "cashflow 90") are unambiguous even if other words match.
  const command = first.kind === "help" || /^(deal|cash ?flow|remind|forecast|goal|plan)\b/i.test(raw);
  const ambiguous = !command && alternatives.length > 0;
  return { kind: first.kind, args: first.args, confidence: ambiguous ? 0.5 : 0.9, alternatives, ambiguous };
}
