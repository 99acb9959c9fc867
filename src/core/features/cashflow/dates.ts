/** UTC calendar-day arithmetic on ISO `YYYY-MM-DD` strings; the cashflow feature works in whole days. */
import { DAY_MS } from "../../kernel/format.js";

const ms = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

/** The UTC day of an instant. */
export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDaysIso(iso: string, n: number): string {
  return new Date(ms(iso) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function diffDaysIso(a: string, b: string): number {
  return Math.round((ms(b) - ms(a)) / DAY_MS);
}

/** Whole days elapsed between two instants, as the deal queries count days in stage. */
export function elapsedDays(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** Monday of the ISO week containing `iso`. */
export function weekStart(iso: string): string {
  const dow = new Date(ms(iso)).getUTCDay(); // 0 = Sunday
  return addDaysIso(iso, -((dow + 6) % 7));
}

export function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

/** First day of the next month. */
export function nextMonth(iso: string): string {
  const d = new Date(ms(monthStart(iso)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

export const maxIso = (a: string, b: string): string => (a > b ? a : b);
export const minIso = (a: string, b: string): string => (a < b ? a : b);
