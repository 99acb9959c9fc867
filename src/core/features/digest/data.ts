import { and, asc, eq, gt, gte, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { llmCalls, metricPoints, metricSeries } from "../../infra/db/schema/index.js";
import { approvalDelay, approvalDelayLine, pendingDrafts, waitingSummary } from "../drafts/index.js";
import { type Anomaly, detectAnomalies } from "../insights/index.js";

export interface SeriesData {
  key: string;
  name: string;
  unit: string;
  dates: string[];
  values: number[];
}

/** The last `days` daily points of every daily metric series of the tenant (one query). */
export async function loadDailySeries(tx: Tx, today: string, days: number): Promise<SeriesData[]> {
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  const rows = await tx
    .select({
      key: metricSeries.key,
      name: metricSeries.name,
      unit: metricSeries.unit,
      on: metricPoints.on,
      value: metricPoints.value,
    })
    .from(metricPoints)
    .innerJoin(metricSeries, eq(metricSeries.id, metricPoints.seriesId))
    .where(
      and(eq(metricSeries.frequency, "day"), gt(metricPoints.on, from), sql`${metricPoints.on} <= ${today}`),
    )
    .orderBy(asc(metricSeries.key), asc(metricPoints.on));
  const by = new Map<string, SeriesData>();
  for (const r of rows) {
    let s = by.get(r.key);
    if (!s) {
      s = { key: r.key, name: r.name, unit: r.unit, dates: [], values: [] };
      by.set(r.key, s);
    }
    s.dates.push(r.on);
    s.values.push(Number(r.value));
  }
  return [...by.values()];
}

export interface FoundAnomaly extends Anomaly {
  metric: string;
  metricName: string;
  unit: string;
  date: string;
}

/** Anomalies on days after `sinceDay` (exclusive), each series fitted on its whole loaded history. */
export function anomaliesSince(series: readonly SeriesData[], sinceDay: string): FoundAnomaly[] {
  const out: FoundAnomaly[] = [];
  for (const s of series) {
    const lastN = s.dates.filter((d) => d > sinceDay).length;
    if (lastN === 0) continue;
    for (const a of detectAnomalies(s.values, { period: 7, dates: s.dates, lastN }))
      out.push({
        ...a,
        metric: s.key,
        metricName: s.name,
        unit: s.unit,
        date: a.date ?? s.dates[a.index] ?? "",
      });
  }
  return out.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
}

export interface ApprovalsData {
  count: number;
  /** "3 drafts about $41,250 wait for approval; the oldest for 2 d." (drafts feature). */
  waiting: string | null;
  /** "5 approvals this week took 19 h median; $62,000 waited > 24 h" (drafts feature). */
  delay: string | null;
  items: { seq: number; kind: string; subject: string | null; createdAt: string }[];
}

export async function pendingApprovals(tx: Tx, now: Date): Promise<ApprovalsData> {
  const rows = await pendingDrafts(tx, now);
  return {
    count: rows.length,
    waiting: waitingSummary(rows, now),
    delay: approvalDelayLine(await approvalDelay(tx, now)),
    items: rows
      .slice(0, 5)
      .map((d) => ({ seq: d.seq, kind: d.kind, subject: d.subject, createdAt: d.createdAt.toISOString() })),
  };
}

export interface LlmSpend {
  sinceMicros: number;
  sinceCalls: number;
  monthMicros: number;
  monthCalls: number;
  topFeature: string | null;
}

/** LLM cost from the ledger (`llm_calls`), since the last digest and month to date (UTC), in one query. */
export async function llmSpend(tx: Tx, since: Date, now: Date): Promise<LlmSpend> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = since < monthStart ? since : monthStart;
  const rows = await tx
    .select({
      feature: llmCalls.feature,
      sinceMicros: sql<string>`coalesce(sum(${llmCalls.costMicros}) filter (where ${llmCalls.createdAt} >= ${since.toISOString()}), 0)`,
      sinceCalls: sql<string>`count(*) filter (where ${llmCalls.createdAt} >= ${since.toISOString()})`,
      monthMicros: sql<string>`coalesce(sum(${llmCalls.costMicros}) filter (where ${llmCalls.createdAt} >= ${monthStart.toISOString()}), 0)`,
      monthCalls: sql<string>`count(*) filter (where ${llmCalls.createdAt} >= ${monthStart.toISOString()})`,
    })
    .from(llmCalls)
    .where(and(gte(llmCalls.createdAt, from), sql`${llmCalls.createdAt} <= ${now.toISOString()}`))
    .groupBy(llmCalls.feature);
  const out: LlmSpend = { sinceMicros: 0, sinceCalls: 0, monthMicros: 0, monthCalls: 0, topFeature: null };
  let top = 0;
  for (const r of rows) {
    out.sinceMicros += Number(r.sinceMicros);
    out.sinceCalls += Number(r.sinceCalls);
    out.monthMicros += Number(r.monthMicros);
    out.monthCalls += Number(r.monthCalls);
    if (Number(r.monthMicros) > top) {
      top = Number(r.monthMicros);
      out.topFeature = r.feature;
    }
  }
  return out;
}
