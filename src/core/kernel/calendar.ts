import { plural } from "./text.js";
/**
 * Calendar phrases to a day: "end of next month", "end of the quarter", "in 3 weeks", "march",
 * "2027-01-31". Answers "which day is that?" for questions about a balance on a date; returns null
 * for anything it does not recognise, so callers can say so rather than guess.
 */
/** English month names, January first (shared by every date phrase reader). */
export const MONTH_NAMES: readonly string[] = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH_ABBR = MONTH_NAMES.map((m) => m.slice(0, 3));

const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const lastDayOfMonth = (y: number, m0: number) => iso(Date.UTC(y, m0 + 1, 0));

function addDays(day: string, n: number): string {
  return iso(ms(day) + n * 86_400_000);
}

export interface ResolvedDay {
  on: string;
  /** How the phrase was read, e.g. "end of next month". */
  label: string;
}

export function resolveDay(phrase: string, today: string): ResolvedDay | null {
  const t = phrase
    .toLowerCase()
    .replace(/[?.!,]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const y = Number(today.slice(0, 4));
  const m0 = Number(today.slice(5, 7)) - 1;
  const isoM = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(t);
  if (isoM) {
    const d = iso(Date.UTC(Number(isoM[1]), Number(isoM[2]) - 1, Number(isoM[3])));
    return d === isoM[0] ? { on: d, label: d } : null;
  }
  const inN = /\bin (\d{1,3}) (day|days|week|weeks|month|months)\b/.exec(t);
  if (inN) {
    const n = Number(inN[1]);
    if (inN[2]!.startsWith("day")) return { on: addDays(today, n), label: `in ${plural(n, "day")}` };
    if (inN[2]!.startsWith("week")) return { on: addDays(today, 7 * n), label: `in ${plural(n, "week")}` };
    const target = new Date(Date.UTC(y, m0 + n, Number(today.slice(8, 10))));
    return { on: iso(target.getTime()), label: `in ${plural(n, "month")}` };
  }
  if (/\btomorrow\b/.test(t)) return { on: addDays(today, 1), label: "tomorrow" };
  const next = /\bnext\b/.test(t);
  if (/\b(month|month's|months)\b/.test(t) && !/\bin \d/.test(t)) {
    const k = next ? 1 : 0;
    return { on: lastDayOfMonth(y, m0 + k), label: next ? "end of next month" : "end of this month" };
  }
  if (/\bquarter\b/.test(t)) {
    const q = Math.floor(m0 / 3) + (next ? 1 : 0);
    return { on: lastDayOfMonth(y, q * 3 + 2), label: next ? "end of next quarter" : "end of this quarter" };
  }
  if (/\byear\b/.test(t))
    return { on: `${y + (next ? 1 : 0)}-12-31`, label: next ? "end of next year" : "end of this year" };
  if (/\bweek\b/.test(t)) {
    const dow = (new Date(ms(today)).getUTCDay() + 6) % 7; // Monday = 0
    return {
      on: addDays(today, 6 - dow + (next ? 7 : 0)),
      label: next ? "end of next week" : "end of this week",
    };
  }
  for (let i = 0; i < 12; i++) {
    if (new RegExp(`\\b(${MONTH_NAMES[i]}|${MONTH_ABBR[i]})\\b`).test(t)) {
      // The next time that month ends: this year unless it is already over.
      const year = i < m0 ? y + 1 : y;
      return {
        on: lastDayOfMonth(year, i),
        label: `end of ${MONTH_NAMES[i]![0]!.toUpperCase()}${MONTH_NAMES[i]!.slice(1)} ${year}`,
      };
    }
  }
  return null;
}
