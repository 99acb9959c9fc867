import { and, asc, eq, inArray, lte } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { metricPoints, metricSeries } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { type Actor, canReadMetric } from "../auth/index.js";

/**
 * The tenant's metric series: finding one from words people use, and loading its points.
 * Every feature that reads metrics (why, forecast, goals, cashflow, digests) goes through here.
 */
export type SeriesRow = typeof metricSeries.$inferSelect;
export type SeriesInfo = Pick<SeriesRow, "key" | "name" | "unit" | "frequency">;

export interface SeriesPoint {
  date: string;
  value: number;
}

export interface LoadedSeries {
  series: SeriesRow;
  dates: string[];
  values: number[];
}

const SYNONYMS: Record<string, string[]> = {
  revenue: ["revenue", "sales", "turnover", "income", "top line"],
  orders: ["orders", "order count", "purchases", "transactions"],
  average_order_value: ["average order value", "aov", "basket size", "order value"],
  website_sessions: ["sessions", "traffic", "visits", "visitors", "website"],
  marketing_spend: ["marketing spend", "ad spend", "marketing budget", "marketing"],
  new_leads: ["leads", "new leads", "signups", "sign-ups"],
  gross_margin_pct: ["gross margin", "margin", "profitability"],
  cash_balance: ["cash", "cash balance", "bank balance"],
  monthly_expenses: ["expenses", "costs", "spending", "burn"],
};

/** Finds the metric a phrase talks about: key, name, then common synonyms (longest match wins). */
export function matchMetric<M extends SeriesInfo>(text: string, metrics: readonly M[]): M | null {
  const t = ` ${text.toLowerCase().replace(/[_-]/g, " ")} `;
  let best: { m: M; len: number } | null = null;
  for (const m of metrics) {
    const words = [m.key.replace(/_/g, " "), m.name.toLowerCase(), ...(SYNONYMS[m.key] ?? [])];
    for (const w of words) {
      const re = new RegExp(`[^a-z]${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}s?[^a-z]`);
      if (re.test(t) && (!best || w.length > best.len)) best = { m, len: w.length };
    }
  }
  return best?.m ?? null;
}

export async function listSeries(tx: Tx): Promise<SeriesRow[]> {
  return tx.select().from(metricSeries).orderBy(asc(metricSeries.key));
}

/** Finds a metric series by key, name or synonym; returns all series as candidates when none matches. */
export async function findSeries(
  tx: Tx,
  query: string,
): Promise<{ series?: SeriesRow; candidates: SeriesRow[] }> {
  const all = await listSeries(tx);
  const found = matchMetric(query, all);
  return found ? { series: found, candidates: [found] } : { candidates: all };
}

/** All points of a series in date order (missing days stay missing; callers decide how to fill). */
export async function loadSeries(tx: Tx, series: SeriesRow): Promise<LoadedSeries> {
  const points = await loadPoints(tx, series.key);
  return { series, dates: points.map((p) => p.date), values: points.map((p) => p.value) };
}

export async function findAndLoad(tx: Tx, query: string) {
  const { series, candidates } = await findSeries(tx, query);
  return series ? { loaded: await loadSeries(tx, series), candidates } : { loaded: undefined, candidates };
}

/** All points of one series by key, oldest first, optionally up to a date (inclusive). */
export async function loadPoints(tx: Tx, key: string, upTo?: string): Promise<SeriesPoint[]> {
  const rows = await tx
    .select({ date: metricPoints.on, value: metricPoints.value })
    .from(metricPoints)
    .innerJoin(metricSeries, eq(metricSeries.id, metricPoints.seriesId))
    .where(upTo ? and(eq(metricSeries.key, key), lte(metricPoints.on, upTo)) : eq(metricSeries.key, key))
    .orderBy(asc(metricPoints.on));
  return rows.map((r) => ({ date: r.date, value: Number(r.value) }));
}

/** Several series by key with their points up to a date (e.g. cash_balance, monthly_expenses). */
export async function loadSeriesByKeys(tx: Tx, keys: string[], upTo: string) {
  const series = await tx.select().from(metricSeries).where(inArray(metricSeries.key, keys));
  const out: { key: string; frequency: SeriesRow["frequency"]; points: { on: string; value: number }[] }[] =
    [];
  for (const s of series) {
    const points = await loadPoints(tx, s.key, upTo);
    out.push({
      key: s.key,
      frequency: s.frequency,
      points: points.map((p) => ({ on: p.date, value: p.value })),
    });
  }
  return out;
}

/**
 * The chat gate of an intent about one metric (forecast, why): metrics.read, with one refusal. The
 * finance metrics' extra check is per metric, in the handler (requireMetricVisible).
 */
export const METRIC_INTENT_GATE = {
  permission: "metrics.read",
  refusal: "Your role ({role}) cannot read metrics.",
} as const;

/** Finance metrics (cash balance, expenses) need cashflow.read on top of metrics.read: throws `forbidden`. */
export async function requireMetricVisible(
  tx: Tx,
  actor: Pick<Actor, "role">,
  metric: string,
): Promise<void> {
  const { series } = await findSeries(tx, metric);
  if (series && !canReadMetric(actor, series.key))
    throw new AppError("forbidden", `Your role (${actor.role}) cannot see ${series.name.toLowerCase()}.`);
}
