import { defineFeature } from "../../intents/feature.js";
import { helpReply } from "./reply.js";

/** `help`, an unknown word ("did you mean"), and a command typed with bad arguments (its usage line). */
export const helpFeature = defineFeature({
  name: "help",
  intents: {
    help: {
      permission: "anyone",
      handle: async (_deps, i, _actor, ctx) => helpReply(i.origin.channel, ctx.commands),
    },
    unknown: {
      permission: "anyone",
      handle: async (_deps, i, _actor, ctx) =>
        helpReply(i.origin.channel, ctx.commands, i.suggestion, i.text),
    },
    "usage.error": {
      permission: "anyone",
      handle: async (_deps, i) => ({
        text: i.message,
        ephemeral: true,
        outcome: { kind: "usage-error", command: i.command },
      }),
    },
  },
  commands: [{ name: "help", usage: "help", summary: "what Keel understands" }],
});
