import { asc, eq } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { metricPoints, metricSeries } from "../db/schema/index.js";
import type { MetricInfo, SeriesPoint } from "./types.js";

/** The tenant's metric series (what goals can be about). */
export async function listMetrics(tx: Tx): Promise<MetricInfo[]> {
  const rows = await tx
    .select({
      key: metricSeries.key,
      name: metricSeries.name,
      unit: metricSeries.unit,
      frequency: metricSeries.frequency,
    })
    .from(metricSeries)
    .orderBy(asc(metricSeries.key));
  return rows;
}

/** All points of one series, oldest first. */
export async function loadPoints(tx: Tx, key: string): Promise<SeriesPoint[]> {
  const rows = await tx
    .select({ date: metricPoints.on, value: metricPoints.value })
    .from(metricPoints)
    .innerJoin(metricSeries, eq(metricSeries.id, metricPoints.seriesId))
    .where(eq(metricSeries.key, key))
    .orderBy(asc(metricPoints.on));
  return rows.map((r) => ({ date: r.date, value: Number(r.value) }));
}

const SYNONYMS: Record<string, string[]> = {
  revenue: ["revenue", "sales", "turnover", "income", "top line"],
  orders: ["orders", "order count", "purchases", "transactions"],
  average_order_value: ["average order value", "aov", "basket size", "order value"],
  website_sessions: ["sessions", "traffic", "visits", "visitors", "website"],
  marketing_spend: ["marketing spend", "ad spend", "marketing budget", "marketing"],
  new_leads: ["leads", "new leads", "signups", "sign-ups"],
  gross_margin_pct: ["gross margin", "margin", "profitability"],
};

/** Finds the metric a phrase talks about: key, name, then common synonyms (longest match wins). */
export function matchMetric(text: string, metrics: readonly MetricInfo[]): MetricInfo | null {
  const t = ` ${text.toLowerCase().replace(/[_-]/g, " ")} `;
  let best: { m: MetricInfo; len: number } | null = null;
  for (const m of metrics) {
    const words = [m.key.replace(/_/g, " "), m.name.toLowerCase(), ...(SYNONYMS[m.key] ?? [])];
    for (const w of words) {
      const re = new RegExp(`[^a-z]${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}s?[^a-z]`);
      if (re.test(t) && (!best || w.length > best.len)) best = { m, len: w.length };
    }
  }
  return best?.m ?? null;
}
