import type { IntentArgs } from "../../core/intents/intent.js";
import { parseText } from "../../core/intents/parse.js";
import type { Action } from "../../core/ports/reply.js";

export interface ConsoleState {
  /** Actions of the last reply, answered by number. */
  lastActions: Action[];
  /** Set after choosing Edit: the next line is the new text of this draft. */
  awaitingEditFor?: string;
}

/** Pure: a console line (plus what was on screen) → intent arguments. */
export function consoleToIntent(line: string, state: ConsoleState): IntentArgs {
  const text = line.trim();
  if (state.awaitingEditFor && text)
    return { kind: "draft.edit", draftRef: state.awaitingEditFor, body: text };
  if (/^\d+$/.test(text) && state.lastActions.length) {
    const action = state.lastActions[Number(text) - 1];
    if (action) return action.intent;
  }
  return parseText(text);
}
