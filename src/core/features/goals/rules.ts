import { MONTH_NAMES } from "../../kernel/calendar.js";
import { addDays, DAY_MS, isoDate } from "../../kernel/format.js";
import { matchMetric } from "./metric-data.js";
import type { GoalIntent, MetricInfo } from "./types.js";

export const DEFAULT_HORIZON_DAYS = 90;
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, quarter: 91, year: 365 };
const MONTHS = MONTH_NAMES;

function endOfMonth(y: number, m: number): Date {
  return new Date(Date.UTC(y, m + 1, 0));
}

const endOfQuarter = (y: number, q: number) => endOfMonth(y, q * 3 - 1);
/** The next end (today or later) of a month given by index: this year's, or next year's when past. */
function nextMonthEnd(today: Date, month: number, day?: number): Date {
  let y = today.getUTCFullYear();
  const at = (yy: number) =>
    day
      ? new Date(Date.UTC(yy, month, Math.min(day, endOfMonth(yy, month).getUTCDate())))
      : endOfMonth(yy, month);
  if (at(y) <= today) y++;
  return at(y);
}

/**
 * "by 2026-06-30", "by end of March" (31 March, not today + 90), "by March 15", "by Q2" / "end of Q3"
 * (the quarter's last day), "in 90 days", "next week" (its Sunday), "end of next month", "this
 * quarter", "end of the year" → deadline.
 */
export function parseDeadline(text: string, today: Date): { deadline: string; horizonDays: number } | null {
  const t = text.toLowerCase();
  const months = MONTHS.join("|");
  const iso = /\b(\d{4}-\d{2}-\d{2})\b/.exec(t);
  let d: Date | null = iso ? new Date(`${iso[1]}T00:00:00Z`) : null;
  const rel =
    /\b(?:in|within|over)\s+(?:the\s+next\s+)?(\d+|a|one|two|three|six)\s*(day|week|month|quarter|year)s?\b/.exec(
      t,
    );
  if (!d && rel) {
    const n = { a: 1, one: 1, two: 2, three: 3, six: 6 }[rel[1]!] ?? Number(rel[1]);
    d = addDays(today, n * UNIT_DAYS[rel[2]!]!);
  }
  const q = /\b(?:by|until|before)?\s*(?:the\s+)?(?:end\s+of\s+)?q([1-4])(?:\s+(20\d\d))?\b/.exec(t);
  if (!d && q && /\b(by|until|before|end of)\b/.test(t)) {
    const quarter = Number(q[1]);
    let y = q[2] ? Number(q[2]) : today.getUTCFullYear();
    if (!q[2] && endOfQuarter(y, quarter) <= today) y++;
    d = endOfQuarter(y, quarter);
  }
  // "March 15", "15 March", "15th of march".
  const dayFirst = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\b`).exec(t);
  const dayAfter = new RegExp(
    `\\b(${months})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?!\\s*(?:%|k\\b|m\\b|deals?))`,
  ).exec(t);
  if (!d && (dayFirst || dayAfter)) {
    const month = MONTHS.indexOf((dayFirst?.[2] ?? dayAfter?.[1])!);
    const day = Number(dayFirst?.[1] ?? dayAfter?.[2]);
    if (day >= 1 && day <= 31) d = nextMonthEnd(today, month, day);
  }
  const m = new RegExp(
    `\\b(?:by|until|before|end\\s+of|in)\\s+(?:the\\s+)?(?:end\\s+of\\s+)?(${months})\\b`,
  ).exec(t);
  if (!d && m) d = nextMonthEnd(today, MONTHS.indexOf(m[1]!));
  const y = today.getUTCFullYear();
  const mo = today.getUTCMonth();
  if (!d && /\bend\s+of\s+(the\s+|this\s+)?month\b|\bthis\s+month\b/.test(t)) d = endOfMonth(y, mo);
  if (!d && /\b(end\s+of\s+)?next\s+month\b/.test(t)) d = endOfMonth(y, mo + 1);
  const cq = Math.floor(mo / 3) + 1;
  if (!d && /\bend\s+of\s+(the\s+|this\s+)?quarter\b|\bthis\s+quarter\b/.test(t)) d = endOfQuarter(y, cq);
  if (!d && /\b(end\s+of\s+)?next\s+quarter\b/.test(t))
    d = cq === 4 ? endOfQuarter(y + 1, 1) : endOfQuarter(y, cq + 1);
  if (!d && /\b(end\s+of\s+)?next\s+year\b/.test(t)) d = new Date(Date.UTC(y + 1, 11, 31));
  if (!d && /\b(by\s+)?(the\s+)?end\s+of\s+(the\s+|this\s+)?year\b|\bthis\s+year\b/.test(t))
    d = new Date(Date.UTC(y, 11, 31));
  if (!d && /\bnext\s+week\b/.test(t)) {
    // The Sunday that ends next (ISO) week.
    const dow = (today.getUTCDay() + 6) % 7;
    d = addDays(today, 13 - dow);
  }
  if (!d && /\b(end\s+of\s+)?(this|the)\s+week\b/.test(t))
    d = addDays(today, 6 - ((today.getUTCDay() + 6) % 7));
  if (!d || Number.isNaN(d.getTime())) return null;
  return { deadline: isoDate(d), horizonDays: Math.round((d.getTime() - today.getTime()) / DAY_MS) };
}

const WORD_NUMBERS: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, ten: 10 };

/**
 * A goal about a count of records rather than a metric series ("close 3 more deals", "halve overdue
 * invoices", "win 5 deals this quarter"): described in words, so the reply can say what was
 * understood and what Keel can set instead.
 */
export function countGoal(text: string): string | null {
  const t = text.toLowerCase();
  const n =
    /\b(\d+|a|one|two|three|four|five|ten)\s+(more\s+)?(new\s+)?(deals?|customers?|clients?|invoices?)\b/.exec(
      t,
    );
  const verb = /\b(close|win|sign|land|get|book|add)\b/.exec(t);
  if (n && verb) {
    const k = WORD_NUMBERS[n[1]!] ?? Number(n[1]);
    return `${verb[1]} ${k}${n[2] ? " more" : ""} ${n[4]!.replace(/s$/, "")}${k === 1 ? "" : "s"}`;
  }
  const half =
    /\b(halve|half|double|triple)\b.*?\b(overdue invoices?|invoices?|deals?|overdue|late payments?)\b/.exec(
      t,
    );
  if (half) return `${half[1] === "half" ? "halve" : half[1]} ${half[2]}`;
  return null;
}

/**
 * Reads a goal request by rules alone: metric (by name or synonym), direction, a percentage change
 * ("grow revenue 10 %", "by 10 %"), an absolute level ("raise gross margin to 45 %", "leads to 2,500")
 * or a factor ("double revenue", "halve churn"), and a deadline (default 90 days).
 */
export function parseGoalText(text: string, metrics: readonly MetricInfo[], today: Date): GoalIntent {
  const t = text.toLowerCase().replace(/(\d),(\d{3})/g, "$1$2");
  const metric = matchMetric(t, metrics);
  const direction = /\b(reduce|cut|lower|decrease|drop|shrink|less|halve|half)\b/.test(t)
    ? "decrease"
    : "increase";
  let target: GoalIntent["target"] = null;
  // "to 45 %", "at 45%", "reach 45 %": a level. "by 10 %", "10 % more", "grow 10 %": a change.
  const level =
    /\b(?:to|at|reach|reaching|hit|hitting|of)\s+\$?(\d+(?:\.\d+)?)\s*(k|m|%|percent|per cent)?(?![\w.])/.exec(
      t,
    );
  const pct = /(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)/.exec(t);
  const factor = /\b(double|triple|halve|half)\b/.exec(t)?.[1];
  if (level) {
    const mult = level[2] === "k" ? 1e3 : level[2] === "m" ? 1e6 : 1;
    target = { kind: "absolute", value: Number(level[1]) * mult };
  } else if (pct) target = { kind: "percent", value: Number(pct[1]) * (direction === "decrease" ? -1 : 1) };
  else if (factor)
    target = { kind: "percent", value: factor === "double" ? 100 : factor === "triple" ? 200 : -50 };
  const when = parseDeadline(t, today);
  const count = metric ? null : countGoal(t);
  return {
    metric: metric?.key ?? null,
    target,
    deadline: when?.deadline ?? isoDate(addDays(today, DEFAULT_HORIZON_DAYS)),
    horizonDays: when?.horizonDays ?? DEFAULT_HORIZON_DAYS,
    direction: target?.kind === "absolute" ? (direction === "decrease" ? "decrease" : "increase") : direction,
    fromModel: [],
    ...(count ? { understood: count } : {}),
  };
}
