import { asc } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { metricSeries } from "../../infra/db/schema/index.js";
import type { MetricInfo } from "./types.js";

export { loadPoints, matchMetric } from "../series/index.js";

/** The tenant's metric series (what goals can be about). */
export async function listMetrics(tx: Tx): Promise<MetricInfo[]> {
  return tx
    .select({
      key: metricSeries.key,
      name: metricSeries.name,
      unit: metricSeries.unit,
      frequency: metricSeries.frequency,
    })
    .from(metricSeries)
    .orderBy(asc(metricSeries.key));
}
