import type { Deps } from "../../deps.js";
import { defineFeature } from "../../intents/feature.js";
import type { Intent } from "../../intents/intent.js";
import { guessLanguage, LANGS, type Lang } from "../ask/index.js";
import { contextFor } from "../conversation/index.js";
import { helpReply } from "./reply.js";

/** The asker's language: the word they typed ("hilfe", "ayuda"), else the conversation's. */
async function langOf(deps: Deps, i: Intent, word: string): Promise<Lang> {
  const s = await contextFor(deps, i).catch(() => null);
  return guessLanguage(word, LANGS.find((l) => l === s?.lang) ?? "en");
}

/** `help`, an unknown word ("did you mean"), and a command typed with bad arguments (its usage line). */
export const helpFeature = defineFeature({
  name: "help",
  intents: {
    help: {
      permission: "anyone",
      handle: async (deps, i, _actor, ctx) =>
        helpReply(
          i.origin.channel,
          ctx.commands,
          undefined,
          undefined,
          i.lang ?? (await langOf(deps, i, "")),
        ),
    },
    unknown: {
      permission: "anyone",
      handle: async (deps, i, _actor, ctx) =>
        helpReply(i.origin.channel, ctx.commands, i.suggestion, i.text, await langOf(deps, i, i.text)),
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
