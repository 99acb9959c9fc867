import type { HandlerMap } from "./core/intents/dispatcher.js";

/**
 * Handlers of features that live in their own core folders (coach, cashflow, forecast, optimisation,
 * insights, goals, usage). Each entry calls the feature's public index.
 */
export function featureHandlers(): HandlerMap {
  return {
    "coach.message": async (_deps, i) => ({
      text: `I can't answer free questions yet in this setup. Try \`help\` for the commands I know.`,
      meta: { text: i.text.length },
    }),
  };
}
