import { defineFeature } from "../../intents/feature.js";
import { dealSummaryReplyFor } from "./deal-reply.js";
import { dealsListReply } from "./use-cases.js";

/** The pipeline: open deals with totals, and one deal with its summary, checklist and next step. */
export const dealsFeature = defineFeature({
  name: "deals",
  intents: {
    "deals.list": { permission: "deals.read", handle: (deps, i, actor) => dealsListReply(deps, actor, i) },
    "deal.show": {
      permission: "deals.read",
      handle: (deps, i, actor) => dealSummaryReplyFor(deps, actor, i.query),
    },
  },
  commands: [
    {
      name: "deals",
      usage: "deals [mine|owner NAME] [stage NAME] [stuck]",
      summary: "open deals with totals",
    },
    { name: "deal", usage: "deal NAME", summary: "one deal: stage, value, owner, days in stage, next step" },
  ],
});
