import { defineFeature } from "../../intents/feature.js";
import { usageReply } from "./reply.js";

/** LLM spend from the cost ledger, in chat (`usage`, `/keel usage`) as in `keel usage`. */
export const usageFeature = defineFeature({
  name: "usage",
  intents: {
    "usage.show": {
      permission: "usage.read",
      refusal: "Your role ({role}) cannot see AI spend; ask an owner, a manager or finance.",
      handle: (deps, i, actor) => usageReply(deps, actor, i.month),
    },
  },
  commands: [
    { name: "usage", usage: "usage [YYYY-MM|last]", summary: "LLM spend by feature, provider, user" },
  ],
});
