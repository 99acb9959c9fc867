import { defineFeature } from "../../intents/feature.js";
import { forecastMetricReply } from "./metric-reply.js";

/** Forecast of any metric series, model chosen by backtest, with intervals. */
export const forecastFeature = defineFeature({
  name: "forecast",
  intents: {
    "forecast.metric": {
      permission: "metrics.read",
      refusal: "Your role ({role}) cannot read metrics.",
      handle: (deps, i, actor) => forecastMetricReply(deps, actor, i.metric, i.horizon),
    },
  },
  commands: [
    { name: "forecast", usage: "forecast METRIC [PERIODS]", summary: "forecast a metric with intervals" },
  ],
});
