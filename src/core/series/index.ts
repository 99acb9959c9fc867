import { asc, eq } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { metricPoints, metricSeries } from "../db/schema/index.js";

export type SeriesRow = typeof metricSeries.$inferSelect;

export interface LoadedSeries {
  series: SeriesRow;
  dates: string[];
  values: number[];
}

/** Normalises "Website sessions", "website-sessions" and "sessions" to match a series key or name. */
function norm(s: string): string {
  return s.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

export async function listSeries(tx: Tx): Promise<SeriesRow[]> {
  return tx.select().from(metricSeries).orderBy(asc(metricSeries.key));
}

/** Finds a metric series by key, name, or a unique partial match. */
export async function findSeries(tx: Tx, query: string): Promise<{ series?: SeriesRow; candidates: SeriesRow[] }> {
  const q = norm(query);
  const all = await listSeries(tx);
  const exact = all.find((s) => s.key === q || norm(s.name) === q);
  if (exact) return { series: exact, candidates: [exact] };
  const partial = all.filter((s) => s.key.includes(q) || norm(s.name).includes(q) || q.includes(s.key));
  return partial.length === 1 ? { series: partial[0], candidates: partial } : { candidates: partial.length ? partial : all };
}

/** All points of a series in date order, with missing days kept as gaps (callers decide how to fill). */
export async function loadSeries(tx: Tx, series: SeriesRow): Promise<LoadedSeries> {
  const rows = await tx
    .select({ on: metricPoints.on, value: metricPoints.value })
    .from(metricPoints)
    .where(eq(metricPoints.seriesId, series.id))
    .orderBy(asc(metricPoints.on));
  return { series, dates: rows.map((r) => r.on), values: rows.map((r) => Number(r.value)) };
}

export async function findAndLoad(tx: Tx, query: string) {
  const { series, candidates } = await findSeries(tx, query);
  return series ? { loaded: await loadSeries(tx, series), candidates } : { loaded: undefined, candidates };
}

