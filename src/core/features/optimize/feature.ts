import { defineFeature } from "../../intents/feature.js";
import { planReply } from "./plan-reply.js";

/** Staffing, inventory and budget plans from the tenant's data, solved and explained. */
export const optimizeFeature = defineFeature({
  name: "optimize",
  intents: {
    "optimize.plan": {
      permission: "plan.run",
      refusal: "Your role ({role}) cannot run plans.",
      handle: (deps, i, actor) => planReply(deps, actor, i.problem),
    },
  },
  commands: [
    { name: "plan", usage: "plan staffing|inventory|budget", summary: "optimise a plan from your data" },
  ],
});
