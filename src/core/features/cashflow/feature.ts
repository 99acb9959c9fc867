import { defineFeature } from "../../intents/feature.js";
import { cashflowHandler } from "./reply.js";

/** Expected cash in from the pipeline and receivables, with scenarios ("if Acme slips 30 days"). */
export const cashflowFeature = defineFeature({
  name: "cashflow",
  intents: {
    "cashflow.forecast": {
      permission: "cashflow.read",
      refusal: "Your role ({role}) does not allow cashflow reports.",
      handle: cashflowHandler,
    },
  },
  commands: [
    {
      name: "cashflow",
      usage:
        "cashflow [DAYS] [week|month]  |  cashflow if DEAL slips N days  |  cashflow on DATE (e.g. end of next month)",
      summary: "expected cash in from the pipeline",
    },
  ],
});
