/**
 * Seasonal periods from a series' dates: the spacing of the dates says the frequency, the frequency
 * says the periods (daily → 7, and 365 once two years are there; weekly → 52 once two years are
 * there; monthly → 12; quarterly → 4). Missing periods become gaps (interpolated later) so positions
 * keep their seasonal phase; dates too irregular for any frequency return null and the caller falls
 * back to reading the period from the data.
 */

export type Frequency = "day" | "week" | "month" | "quarter" | "year";

export interface Calendar {
  frequency: Frequency;
  /** The values on a regular grid from the first to the last date; a missing period is null. */
  values: (number | null)[];
  /** ISO date of every grid position (the given date where there was one). */
  dates: string[];
  /** How many periods had no date (filled by interpolation later). */
  missing: number;
}

const DAY_MS = 86_400_000;
/** A regular series may lack some periods, but a grid mostly made of holes is not a series. */
const MAX_MISSING_SHARE = 0.5;
/** Share of gaps that must be whole steps of the frequency. */
const MIN_CONFORMING = 0.9;

/** Date.UTC, also for years 0–99 (which Date.UTC reads as 1900–1999; M3 dates unknown series from year 1). */
function utc(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

function parseDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.trim());
  if (!m) return null;
  const t = utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  // Rejects 2026-02-30 and the like (Date.UTC rolls them over).
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null;
  return t;
}

const monthIndex = (t: number): number => {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

/**
 * Steps of `f` from a to b (a < b), rounded, and whether the gap was an exact number of steps (a weekly
 * series with one value a day late is still weekly, but too many such gaps make it irregular).
 */
function steps(f: Frequency, a: number, b: number): { k: number; exact: boolean } {
  const days = Math.round((b - a) / DAY_MS);
  switch (f) {
    case "day":
      return { k: days, exact: true };
    case "week":
      return { k: Math.round(days / 7), exact: days % 7 === 0 };
    case "month":
    case "quarter":
    case "year": {
      const per = f === "month" ? 1 : f === "quarter" ? 3 : 12;
      const months = monthIndex(b) - monthIndex(a);
      // Month ends (Jan 31 → Feb 28) and month starts are both exact; the 1st → the 29th of the same month is not.
      const byDays = days / (30.44 * per);
      const k = Math.round(months / per);
      return { k, exact: months % per === 0 && Math.abs(k - byDays) <= 0.25 * Math.max(1, k) };
    }
  }
}

/** The frequency whose step is closest to the median gap, if the median gap is near one. */
function guessFrequency(gaps: number[]): Frequency | null {
  const sorted = [...gaps].sort((a, b) => a - b);
  const g = sorted[Math.floor(sorted.length / 2)] as number;
  if (g >= 1 && g <= 1.5) return "day";
  if (g >= 6 && g <= 8) return "week";
  if (g >= 27 && g <= 32) return "month";
  if (g >= 85 && g <= 95) return "quarter";
  if (g >= 360 && g <= 370) return "year";
  return null;
}

/**
 * Puts dated values on the grid of their frequency. Dates may come unsorted; null when the dates do not
 * parse, two values share a period, or the spacing fits no frequency.
 */
export function calendarOf(
  dates: readonly string[],
  values: readonly (number | null | undefined)[],
): Calendar | null {
  if (dates.length !== values.length || dates.length < 2) return null;
  const rows: { t: number; v: number | null; date: string }[] = [];
  for (const [i, d] of dates.entries()) {
    const t = parseDay(d);
    if (t === null) return null;
    const v = values[i];
    rows.push({ t, v: typeof v === "number" && Number.isFinite(v) ? v : null, date: d.trim().slice(0, 10) });
  }
  rows.sort((a, b) => a.t - b.t);
  const gaps = rows.slice(1).map((r, i) => (r.t - (rows[i] as { t: number }).t) / DAY_MS);
  if (gaps.some((g) => g === 0)) return null;
  const frequency = guessFrequency(gaps);
  if (!frequency) return null;
  const pos = [0];
  let conforming = 0;
  for (let i = 1; i < rows.length; i++) {
    const { k, exact } = steps(frequency, (rows[i - 1] as { t: number }).t, (rows[i] as { t: number }).t);
    if (k < 1) return null;
    if (exact) conforming++;
    pos.push((pos[i - 1] as number) + k);
  }
  if (conforming < MIN_CONFORMING * gaps.length) return null;
  const length = (pos[pos.length - 1] as number) + 1;
  const missing = length - rows.length;
  if (missing > MAX_MISSING_SHARE * length) return null;
  const out: (number | null)[] = new Array(length).fill(null);
  const outDates: string[] = new Array(length).fill("");
  rows.forEach((r, i) => {
    out[pos[i] as number] = r.v;
    outDates[pos[i] as number] = r.date;
  });
  const first = rows[0] as { t: number };
  for (let k = 0; k < length; k++) if (!outDates[k]) outDates[k] = addSteps(frequency, first.t, k);
  return { frequency, values: out, dates: outDates, missing };
}

/** The ISO date `k` steps of `f` after the day `t` (month steps keep the day, clamped to the month's end). */
function addSteps(f: Frequency, t: number, k: number): string {
  if (f === "day" || f === "week")
    return new Date(t + k * (f === "day" ? 1 : 7) * DAY_MS).toISOString().slice(0, 10);
  const per = f === "month" ? 1 : f === "quarter" ? 3 : 12;
  const d = new Date(t);
  const target = d.getUTCMonth() + k * per;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const lastDay = new Date(utc(year, month + 1, 0)).getUTCDate();
  return new Date(utc(year, month, Math.min(d.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}

/** The `h` dates after the last grid date. */
export function datesAfter(cal: Pick<Calendar, "frequency" | "dates">, h: number): string[] {
  const last = parseDay(cal.dates[cal.dates.length - 1] ?? "");
  if (last === null) return [];
  return Array.from({ length: h }, (_, i) => addSteps(cal.frequency, last, i + 1));
}

/** Periods in one cycle of each frequency's seasonality, shortest first. */
const PERIODS: Record<Frequency, { m: number; minLength: number }[]> = {
  // The weekly pattern needs a few weeks; the yearly one two full years before it can be told from trend.
  day: [
    { m: 7, minLength: 21 },
    { m: 365, minLength: 2 * 365 + 30 },
  ],
  week: [{ m: 52, minLength: 2 * 52 + 4 }],
  month: [{ m: 12, minLength: 2 * 12 + 2 }],
  quarter: [{ m: 4, minLength: 2 * 4 + 2 }],
  year: [],
};

/** The seasonal periods worth modelling for `n` points of this frequency (empty: none). */
export function seasonsFor(frequency: Frequency, n: number): number[] {
  return PERIODS[frequency].filter((p) => n >= p.minLength).map((p) => p.m);
}
