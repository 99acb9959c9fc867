import {
  anomaliesSince,
  anomalyAlert,
  loadDailySeries,
  quietNotBefore,
} from "../core/features/digest/index.js";
import { enqueue, teamAlertTarget } from "../core/features/outbox/index.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/** Most alerts per tenant per scan; the rest are in the digest. */
export const MAX_ANOMALY_ALERTS = 3;
const DAY_MS = 86_400_000;

/**
 * Daily: anomalies on the last two days of every daily metric → one alert each with the root-cause
 * explanation, to the team's alert chat, held back until its quiet hours end. The dedupe key
 * (metric, day) makes a re-scan of the same day silent.
 */
export const anomalyScanJob: JobDefinition = {
  name: "anomaly-scan",
  schedule: "0 6 * * *",
  description: "Daily anomaly scan with root-cause alerts",
  async run(deps, ctx) {
    const today = ctx.now.toISOString().slice(0, 10);
    const sinceDay = new Date(ctx.now.getTime() - 2 * DAY_MS).toISOString().slice(0, 10);
    return forEachTenant(deps, ctx, "anomaly-scan", async (t) => {
      const series = await deps.db.tenantTx(t.id, (tx) => loadDailySeries(tx, today, 120));
      const found = anomaliesSince(series, sinceDay).slice(0, MAX_ANOMALY_ALERTS);
      if (!found.length) return 0;
      const target = await teamAlertTarget(deps, t.id);
      if (!target) {
        ctx.log.warn({ tenantId: t.id, anomalies: found.length }, "anomalies found but no chat to alert");
        return 0;
      }
      const notBefore = await quietNotBefore(deps, t.id, target, ctx.now);
      let n = 0;
      await deps.db.tenantTx(t.id, async (tx) => {
        for (const a of found)
          if (
            await enqueue(
              tx,
              {
                tenantId: t.id,
                dedupeKey: `anomaly:${a.metric}:${a.date}`,
                target,
                payload: anomalyAlert(a, series),
                notBefore,
              },
              ctx.now,
            )
          )
            n++;
      });
      return n;
    });
  },
};
