import { defineFeature } from "../../intents/feature.js";
import { METRIC_INTENT_GATE, requireMetricVisible } from "../series/index.js";
import { whyReply } from "./why-reply.js";

/** Root cause of a metric's change: driver contributions and the tests behind them. */
export const insightsFeature = defineFeature({
  name: "insights",
  intents: {
    "insights.why": {
      ...METRIC_INTENT_GATE,
      handle: async (deps, i, actor) => {
        await deps.db.tenantTx(actor.tenantId, (tx) => requireMetricVisible(tx, actor, i.metric));
        return whyReply(deps, actor, i.metric, i.period);
      },
    },
  },
  commands: [
    { name: "why", usage: "why did METRIC change [last month|last week]", summary: "root cause of a change" },
  ],
});
