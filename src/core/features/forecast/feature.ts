import { defineFeature } from "../../intents/feature.js";
import { requireMetricVisible } from "../series/index.js";
import { forecastMetricReply } from "./metric-reply.js";

/** Forecast of any metric series, model chosen by backtest, with intervals. */
export const forecastFeature = defineFeature({
  name: "forecast",
  intents: {
    "forecast.metric": {
      permission: "metrics.read",
      refusal: "Your role ({role}) cannot read metrics.",
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
