import type { Deps } from "../../deps.js";
import { goalQueryFor, windowValue } from "./measure.js";
import { listMetrics, loadPoints } from "./metric-data.js";
import { type ForecastPath, forecastGrowth, forecastPath, historicalGrowth } from "./outlook.js";
import type { GoalQuery, GrowthOutlook, MetricInfo, SeriesPoint } from "./types.js";

/** Everything computed about one metric that goals are judged against. */
export interface MetricContext {
  metric: MetricInfo;
  query: GoalQuery;
  /** Window aggregate ending at the last point. */
  baseline: number | null;
  baselineWindow: { from: string; to: string } | null;
  lastDate: string | null;
  points: number;
  values: number[];
  forecast: ForecastPath | null;
  /** Cached outlooks by horizon in days. */
  outlooks: Map<number, GrowthOutlook>;
}

/** Longest horizon forecast once per plan; later deadlines are judged on history alone. */
export const MAX_FORECAST_DAYS = 365;

export async function loadMetricList(deps: Deps, tenantId: string): Promise<MetricInfo[]> {
  return deps.db.tenantTx(tenantId, (tx) => listMetrics(tx));
}

/** Loads the series, computes the baseline and forecasts ahead (the slow part: once per plan). */
export async function gatherMetricContext(
  deps: Deps,
  tenantId: string,
  metric: MetricInfo,
  horizonDays: number,
): Promise<MetricContext> {
  const points: SeriesPoint[] = await deps.db.tenantTx(tenantId, (tx) => loadPoints(tx, metric.key));
  const query = goalQueryFor(metric);
  const values = points.map((p) => p.value);
  const last = values.length - 1;
  const baseline = windowValue(values, last, query);
  const fdays = Math.min(MAX_FORECAST_DAYS, Math.max(horizonDays, 180));
  const hp = Math.max(
    1,
    Math.round(fdays / (query.frequency === "day" ? 1 : query.frequency === "week" ? 7 : 30)),
  );
  const path = values.length >= query.windowPoints + 10 ? await forecastPath(values, query, hp) : null;
  return {
    metric,
    query,
    baseline,
    baselineWindow:
      baseline === null
        ? null
        : { from: points[last - query.windowPoints + 1]!.date, to: points[last]!.date },
    lastDate: points[last]?.date ?? null,
    points: values.length,
    values,
    forecast: path,
    outlooks: new Map(),
  };
}

/** History and forecast growth over `horizonDays` from the baseline (memoised per horizon). */
export function outlookFor(ctx: MetricContext, horizonDays: number): GrowthOutlook {
  const hit = ctx.outlooks.get(horizonDays);
  if (hit) return hit;
  const o: GrowthOutlook = {
    horizonDays,
    history: historicalGrowth(ctx.values, ctx.query, horizonDays),
    forecast:
      ctx.baseline === null
        ? null
        : forecastGrowth(ctx.values, ctx.baseline, ctx.query, ctx.forecast, horizonDays),
  };
  ctx.outlooks.set(horizonDays, o);
  return o;
}
