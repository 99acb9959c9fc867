import { loadActionRef, saveActionRef } from "../../src/bots/slack/action-refs.js";
import { slackCapabilities } from "../../src/bots/slack/adapter.js";
import { blockText, renderReply } from "../../src/bots/slack/render/blocks.js";
import { MemoryStore } from "../../src/core/infra/store/index.js";
import type { IntentArgs } from "../../src/core/intents/intent.js";
import { runChannelContract } from "./channel-contract.js";

const TEAM = "T0DEMO";

runChannelContract(() => {
  const store = new MemoryStore();
  return {
    name: "slack",
    capabilities: slackCapabilities,
    render: async (reply) => {
      // Same path as the adapter: intents stay in the store, buttons carry references.
      const actionValues = await Promise.all(
        (reply.actions ?? []).map((a) =>
          saveActionRef(store, { teamId: TEAM, intent: a.intent, label: a.label }),
        ),
      );
      const { messages, warnings } = renderReply(reply, { actionValues });
      const choices = messages.flatMap((m) =>
        m.blocks.flatMap((b) =>
          b.type === "actions"
            ? b.elements.flatMap((e) =>
                e.type === "button" ? [{ label: e.text.text, answer: e.value }] : [],
              )
            : [],
        ),
      );
      return {
        messages: messages.map((m) => ({ text: m.blocks.map(blockText).filter(Boolean).join("\n") })),
        choices,
        warnings,
      };
    },
    choose: async (answer) => {
      const stored = await loadActionRef(store, answer, TEAM);
      return stored ? (stored.intent as unknown as IntentArgs) : null;
    },
  };
});
