import { plural } from "../../kernel/text.js";
import type { QueryWindow } from "./query.js";

/** A window resolved to dates: [from, to) in the tenant's calendar, `to` never after tomorrow. */
export interface ResolvedWindow {
  from: string;
  /** Exclusive. */
  to: string;
  label: string;
  /** The period is still running (figures are "to date"). */
  toDate: boolean;
}

export interface CalendarSettings {
  /** Tenant time zone (IANA). */
  timeZone: string;
  /** 1–12: the month the fiscal year starts in (1 = calendar year). */
  fiscalYearStart: number;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Today's date in the tenant's time zone (a message at 23:30 in New York is still "today" there). */
export function localToday(now: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const ymd = (y: number, m: number, d = 1) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.toISOString().slice(0, 10);
};
export const addDaysIso = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const parts = (iso: string) => iso.split("-").map(Number) as [number, number, number];

function clip(from: string, to: string, today: string, label: string): ResolvedWindow {
  const tomorrow = addDaysIso(today, 1);
  return to > tomorrow ? { from, to: tomorrow, label, toDate: true } : { from, to, label, toDate: false };
}

/** Start month/year of the unit containing `today`, shifted by `offset` units. */
function unitStart(
  unit: "month" | "quarter" | "year" | "fiscal_year",
  today: string,
  offset: number,
  fyStart: number,
) {
  const [y, m] = parts(today);
  const size = unit === "month" ? 1 : unit === "quarter" ? 3 : 12;
  const base = unit === "fiscal_year" ? fyStart : 1;
  // Months since the base month of year 0, floored to the unit.
  const idx = y * 12 + (m - 1) - (base - 1);
  const start = Math.floor(idx / size) * size + offset * size + (base - 1);
  return { y: Math.floor(start / 12), m: (start % 12) + 1, size };
}

/**
 * The dates of a window. A period still running ends today ("to date"), since figures about the past
 * cannot include tomorrow — except with `whole` (deals expected to close this month: the whole month).
 */
export function resolveWindow(
  w: QueryWindow,
  today: string,
  cal: CalendarSettings,
  opts: { whole?: boolean } = {},
): ResolvedWindow {
  const clipAt = opts.whole ? "9999-12-30" : today;
  const [ty, tm] = parts(today);
  switch (w.kind) {
    case "month": {
      // A month named without a year: the last one for the past, the coming one for what lies ahead.
      const year = w.year ?? (opts.whole ? (w.month < tm ? ty + 1 : ty) : w.month > tm ? ty - 1 : ty);
      const next = w.month === 12 ? ymd(year + 1, 1) : ymd(year, w.month + 1);
      return clip(ymd(year, w.month), next, clipAt, `${MONTHS[w.month - 1]} ${year}`);
    }
    case "quarter": {
      const cur = Math.floor((tm - 1) / 3) + 1;
      const year = w.year ?? (opts.whole ? (w.quarter < cur ? ty + 1 : ty) : w.quarter > cur ? ty - 1 : ty);
      const m = (w.quarter - 1) * 3 + 1;
      return clip(
        ymd(year, m),
        m + 3 > 12 ? ymd(year + 1, 1) : ymd(year, m + 3),
        clipAt,
        `Q${w.quarter} ${year}`,
      );
    }
    case "year":
      return clip(ymd(w.year, 1), ymd(w.year + 1, 1), clipAt, String(w.year));
    case "relative": {
      if (w.unit === "week") {
        // ISO weeks start on Monday.
        const dow = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
        const from = addDaysIso(today, -dow + 7 * w.offset);
        return clip(
          from,
          addDaysIso(from, 7),
          clipAt,
          w.offset === 0 ? "this week" : w.offset === -1 ? "last week" : `the week of ${from}`,
        );
      }
      const s = unitStart(w.unit, today, w.offset, cal.fiscalYearStart);
      const endIdx = s.y * 12 + (s.m - 1) + s.size;
      const from = ymd(s.y, s.m);
      const to = ymd(Math.floor(endIdx / 12), (endIdx % 12) + 1);
      const label =
        w.unit === "month"
          ? `${MONTHS[s.m - 1]} ${s.y}`
          : w.unit === "quarter"
            ? `Q${Math.floor((s.m - 1) / 3) + 1} ${s.y}`
            : w.unit === "year"
              ? String(s.y)
              : cal.fiscalYearStart === 1
                ? `fiscal year ${s.y}`
                : `fiscal year ${s.y}/${String((s.y + 1) % 100).padStart(2, "0")}`;
      return clip(from, to, clipAt, label);
    }
    case "last_days":
      return {
        from: addDaysIso(today, -w.days + 1),
        to: addDaysIso(today, 1),
        label: `the last ${plural(w.days, "day")}`,
        toDate: false,
      };
    case "range":
      return clip(w.from, addDaysIso(w.to, 1), clipAt, `${w.from} to ${w.to}`);
  }
}

/** The period just before, of the same kind (previous calendar month for a month, same length otherwise). */
/**
 * The period before `w`, to compare with. When `w` is still running (to date), only the same number
 * of days at the start of the period before: December 1–3 against November 1–3, never against the
 * whole of November (a month three days old would read "−89 %").
 */
export function previousWindow(w: QueryWindow, today: string, cal: CalendarSettings): ResolvedWindow {
  const cur = resolveWindow(w, today, cal);
  const prev = previousPeriod(w, today, cal);
  if (!cur.toDate) return prev;
  const days = Math.round((Date.parse(cur.to) - Date.parse(cur.from)) / 86_400_000);
  const to = addDaysIso(prev.from, days);
  return to >= prev.to
    ? prev
    : { from: prev.from, to, label: `the same days of ${prev.label}`, toDate: false };
}

function previousPeriod(w: QueryWindow, today: string, cal: CalendarSettings): ResolvedWindow {
  switch (w.kind) {
    case "month": {
      const r = resolveWindow(w, today, cal);
      const [y, m] = parts(r.from);
      return resolveWindow(
        { kind: "month", month: m === 1 ? 12 : m - 1, year: m === 1 ? y - 1 : y },
        today,
        cal,
      );
    }
    case "quarter": {
      const r = resolveWindow(w, today, cal);
      const [y, m] = parts(r.from);
      const q = Math.floor((m - 1) / 3) + 1;
      return resolveWindow(
        { kind: "quarter", quarter: q === 1 ? 4 : q - 1, year: q === 1 ? y - 1 : y },
        today,
        cal,
      );
    }
    case "year":
      return resolveWindow({ kind: "year", year: w.year - 1 }, today, cal);
    case "relative":
      return resolveWindow({ ...w, offset: Math.max(-36, w.offset - 1) }, today, cal);
    default: {
      const r = resolveWindow(w, today, cal);
      const len = Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000);
      return {
        from: addDaysIso(r.from, -len),
        to: r.from,
        label: `the ${plural(len, "day")} before`,
        toDate: false,
      };
    }
  }
}
