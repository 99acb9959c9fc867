import { defineFeature } from "../../intents/feature.js";
import { calibrationCard, decideCalibration } from "./proposals.js";
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
    // Stage settings are the owner's to change (settings.manage).
    "calibration.show": {
      permission: "settings.manage",
      refusal: "Only the owner changes stage settings; your role ({role}) cannot review learned ones.",
      handle: (deps, _i, actor) => calibrationCard(deps, actor),
    },
    "calibration.decide": {
      permission: "settings.manage",
      refusal: "Only the owner changes stage settings; your role ({role}) cannot approve or reject them.",
      handle: (deps, i, actor) => decideCalibration(deps, actor, i.proposalRef, i.decision),
    },
  },
  commands: [
    {
      name: "cashflow",
      usage:
        "cashflow [DAYS] [week|month]  |  cashflow if DEAL slips N days  |  cashflow on DATE (e.g. end of next month)",
      summary: "expected cash in from the pipeline",
    },
    {
      name: "calibration",
      usage: "calibration  |  calibration approve N  |  calibration reject N",
      summary: "learned stage settings for the owner to approve",
    },
  ],
});
