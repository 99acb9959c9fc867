import { defineFeature } from "../../intents/feature.js";
import { METRIC_INTENT_GATE, requireMetricVisible } from "../series/index.js";
import { forecastMetricReply } from "./metric-reply.js";

/** Forecast of any metric series, model chosen by backtest, with intervals. */
export const forecastFeature = defineFeature({
  name: "forecast",
  intents: {
    "forecast.metric": {
      ...METRIC_INTENT_GATE,
      handle: async (deps, i, actor) => {
        await deps.db.tenantTx(actor.tenantId, (tx) => requireMetricVisible(tx, actor, i.metric));
        return forecastMetricReply(deps, actor, i.metric, i.horizon);
      },
    },
  },
  commands: [
    { name: "forecast", usage: "forecast METRIC [PERIODS]", summary: "forecast a metric with intervals" },
  ],
});
