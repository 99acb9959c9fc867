/** Conversation state: the last query, the entities just discussed and pending numbered choices, per person. */
export { asciiDigits, type FollowUp, resolveFollowUp } from "./follow-up.js";
export { contextFor, conversationKey, rememberTurn } from "./record.js";
export {
  CONTEXT_TTL_MS,
  type ConversationKey,
  type ConversationState,
  type Entity,
  loadContext,
  PENDING_TTL_MS,
  type PendingChoice,
  saveContext,
} from "./state.js";
export { entitiesOf, nextState } from "./turn.js";
