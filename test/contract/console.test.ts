import { consoleCapabilities } from "../../src/bots/console/adapter.js";
import { renderConsoleMessages } from "../../src/bots/console/render.js";
import { type ConsoleState, consoleToIntent } from "../../src/bots/console/to-intent.js";
import { runChannelContract } from "./channel-contract.js";

runChannelContract(() => {
  const state: ConsoleState = { lastActions: [] };
  return {
    name: "console",
    capabilities: consoleCapabilities,
    render: async (reply) => {
      state.lastActions = reply.actions ?? [];
      const messages = renderConsoleMessages(reply, consoleCapabilities.maxTextLength).map((text) => ({
        text,
      }));
      return {
        messages,
        choices: (reply.actions ?? []).map((a, i) => ({ label: a.label, answer: String(i + 1) })),
      };
    },
    choose: async (answer) => consoleToIntent(String(answer), state),
  };
});
