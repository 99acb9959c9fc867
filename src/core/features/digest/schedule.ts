/**
 * Pure time-zone arithmetic for digest schedules: when the latest scheduled delivery was, which
 * period it belongs to, and whether a moment falls in quiet hours. No dependencies: `Intl` knows
 * the IANA zones and their daylight-saving rules.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export interface DigestSchedule {
  cadence: "daily" | "weekly" | "off";
  /** 0 = Sunday … 6 = Saturday (weekly). */
  weekday?: number | null;
  /** "HH:MM" local. */
  atTime: string;
  timezone: string;
  quietStart?: string | null;
  quietEnd?: string | null;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True for an IANA zone name `Intl` accepts ("Europe/Berlin", "UTC"). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock parts of an instant in a time zone. */
export function localParts(at: Date, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: WEEKDAYS.indexOf((p.weekday ?? "Sun").toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]),
  };
}

/** The instant a local wall-clock time happens (the later side of a DST gap, the first of a repeat). */
export function zonedToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  tz: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), tz);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const delta = wall - seen;
    if (delta === 0) break;
    guess += delta;
  }
  return new Date(guess);
}

export function parseHm(hm: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hm.trim());
  const hour = m ? Number(m[1]) : Number.NaN;
  const minute = m ? Number(m[2]) : Number.NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59))
    throw new RangeError(`not a time of day: "${hm}"`);
  return { hour, minute };
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoDay = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

export interface Occurrence {
  at: Date;
  /** Stable key of the period, e.g. "daily:2026-11-21" or "weekly:2026-11-16". */
  period: string;
}

/**
 * The latest scheduled delivery at or before `now`, in the subscription's zone. Only the latest one
 * is ever returned, which is what makes a catch-up after downtime deliver once rather than N times.
 */
export function latestOccurrence(s: DigestSchedule, now: Date): Occurrence | null {
  if (s.cadence === "off") return null;
  const { hour, minute } = parseHm(s.atTime);
  const today = localParts(now, s.timezone);
  // Walk back over local calendar days (8 covers a week plus the day the time has not come yet).
  for (let back = 0; back <= 8; back++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    if (s.cadence === "weekly" && d.getUTCDay() !== (s.weekday ?? 1)) continue;
    const at = zonedToUtc(y, m, day, hour, minute, s.timezone);
    if (at.getTime() <= now.getTime()) return { at, period: `${s.cadence}:${isoDay(y, m, day)}` };
  }
  return null;
}

/** The next scheduled delivery strictly after `now` (for confirmations). */
export function nextOccurrence(s: DigestSchedule, now: Date): Date | null {
  if (s.cadence === "off") return null;
  const { hour, minute } = parseHm(s.atTime);
  const today = localParts(now, s.timezone);
  for (let ahead = 0; ahead <= 8; ahead++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead));
    if (s.cadence === "weekly" && d.getUTCDay() !== (s.weekday ?? 1)) continue;
    const at = zonedToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute, s.timezone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}

/**
 * When quiet hours are on at `now`, the instant they end; otherwise null. Quiet hours are local
 * "HH:MM" [start, end) and may wrap midnight ("22:00"–"07:00").
 */
export function quietUntil(
  q: { quietStart?: string | null; quietEnd?: string | null; timezone: string },
  now: Date,
): Date | null {
  if (!q.quietStart || !q.quietEnd || q.quietStart === q.quietEnd) return null;
  const start = parseHm(q.quietStart);
  const end = parseHm(q.quietEnd);
  const p = localParts(now, q.timezone);
  const cur = p.hour * 60 + p.minute;
  const s = start.hour * 60 + start.minute;
  const e = end.hour * 60 + end.minute;
  const inQuiet = s < e ? cur >= s && cur < e : cur >= s || cur < e;
  if (!inQuiet) return null;
  // The end is today when it is still ahead on the local clock, else tomorrow.
  const addDay = cur >= e ? 1 : 0;
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + addDay));
  return zonedToUtc(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    end.hour,
    end.minute,
    q.timezone,
  );
}

/** A subscription is due when its latest occurrence was not delivered yet and it is not quiet time. */
export function dueOccurrence(
  s: DigestSchedule & { lastPeriod?: string | null; createdAt: Date },
  now: Date,
):
  | { due: true; occurrence: Occurrence }
  | { due: false; reason: "off" | "not-yet" | "delivered" | "quiet"; until?: Date } {
  const occurrence = latestOccurrence(s, now);
  if (!occurrence || occurrence.at.getTime() < s.createdAt.getTime())
    return { due: false, reason: s.cadence === "off" ? "off" : "not-yet" };
  if (occurrence.period === s.lastPeriod) return { due: false, reason: "delivered" };
  const until = quietUntil(s, now);
  if (until) return { due: false, reason: "quiet", until };
  return { due: true, occurrence };
}

/** "Mon 09:00 Europe/Berlin" style description of a schedule. */
export function describeSchedule(s: DigestSchedule): string {
  if (s.cadence === "off") return "off";
  const day = s.cadence === "weekly" ? `every ${WEEKDAYS[s.weekday ?? 1]} ` : "every day ";
  const quiet = s.quietStart && s.quietEnd ? `, quiet hours ${s.quietStart}–${s.quietEnd}` : "";
  return `${day}at ${s.atTime} (${s.timezone})${quiet}`;
}
