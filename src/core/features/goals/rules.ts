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

/** "by 2026-06-30", "by end of Q3", "by june", "in 90 days", "next quarter" → deadline. */
export function parseDeadline(text: string, today: Date): { deadline: string; horizonDays: number } | null {
  const t = text.toLowerCase();
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
  const q = /\b(?:by\s+)?(?:the\s+)?end\s+of\s+q([1-4])\b|\bby\s+q([1-4])\b/.exec(t);
  if (!d && q) {
    const quarter = Number(q[1] ?? q[2]);
    let y = today.getUTCFullYear();
    if (endOfMonth(y, quarter * 3 - 1) <= today) y++;
    d = endOfMonth(y, quarter * 3 - 1);
  }
  const m = new RegExp(`\\bby\\s+(?:the\\s+end\\s+of\\s+)?(${MONTHS.join("|")})\\b`).exec(t);
  if (!d && m) {
    const month = MONTHS.indexOf(m[1]!);
    let y = today.getUTCFullYear();
    if (endOfMonth(y, month) <= today) y++;
    d = endOfMonth(y, month);
  }
  if (!d && /\b(by\s+)?(the\s+)?end\s+of\s+(the\s+)?year\b/.test(t))
    d = new Date(Date.UTC(today.getUTCFullYear(), 11, 31));
  if (!d && /\bnext\s+quarter\b/.test(t)) d = addDays(today, 91);
  if (!d && /\bnext\s+month\b/.test(t)) d = addDays(today, 30);
  if (!d || Number.isNaN(d.getTime())) return null;
  return { deadline: isoDate(d), horizonDays: Math.round((d.getTime() - today.getTime()) / DAY_MS) };
}

/**
 * Reads a goal request by rules alone: metric (by name or synonym), direction, a percentage or an
 * absolute target, and a deadline (default 90 days). "grow revenue 10 % in 90 days" → revenue,
 * +10 %, today + 90.
 */
export function parseGoalText(text: string, metrics: readonly MetricInfo[], today: Date): GoalIntent {
  const t = text.toLowerCase().replace(/(\d),(\d{3})/g, "$1$2");
  const metric = matchMetric(t, metrics);
  const direction = /\b(reduce|cut|lower|decrease|drop|shrink|less)\b/.test(t) ? "decrease" : "increase";
  let target: GoalIntent["target"] = null;
  const pct = /(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)/.exec(t);
  const abs = /\bto\s+\$?(\d+(?:\.\d+)?)\s*(k|m)?\b/.exec(t);
  if (pct) target = { kind: "percent", value: Number(pct[1]) * (direction === "decrease" ? -1 : 1) };
  else if (abs)
    target = { kind: "absolute", value: Number(abs[1]) * (abs[2] === "k" ? 1e3 : abs[2] === "m" ? 1e6 : 1) };
  const when = parseDeadline(t, today);
  return {
    metric: metric?.key ?? null,
    target,
    deadline: when?.deadline ?? isoDate(addDays(today, DEFAULT_HORIZON_DAYS)),
    horizonDays: when?.horizonDays ?? DEFAULT_HORIZON_DAYS,
    direction: target?.kind === "absolute" ? "increase" : direction,
    fromModel: [],
  };
}
