import type { Deps } from "../../deps.js";
import type { Intent } from "../../intents/intent.js";
import type { Reply } from "../../ports/reply.js";
import { type ConversationKey, loadContext, saveContext } from "./state.js";
import { nextState } from "./turn.js";

/** Replies that do not change what the conversation is about. */
const SKIP: ReadonlySet<string> = new Set(["sources.show", "help", "usage.error", "unknown"]);

export const conversationKey = (intent: Intent): ConversationKey => ({
  tenantId: intent.origin.tenantId,
  channel: intent.origin.channel,
  conversationId: intent.origin.conversationId,
  threadId: intent.origin.threadId,
  userId: intent.origin.userId,
});

/**
 * The registry's after-reply hook: every channel's turn (console, `keel say`, Slack, WhatsApp) updates
 * the same stored context, so a number or "and last month?" works in the next message whichever
 * process handles it. Jobs have no conversation. A failure to remember never fails the reply.
 */
export async function rememberTurn(deps: Deps, intent: Intent, reply: Reply): Promise<void> {
  if (intent.origin.channel === "job" || SKIP.has(intent.kind)) return;
  try {
    const key = conversationKey(intent);
    const now = deps.clock.now();
    await deps.db.tenantTx(key.tenantId, async (tx) => {
      const prev = await loadContext(tx, key, now);
      await saveContext(tx, key, now, nextState(prev, intent, reply));
    });
  } catch (err) {
    deps.logger.warn({ err, kind: intent.kind }, "could not remember the conversation context");
  }
}

/** The context a message is read against. */
export async function contextFor(deps: Deps, intent: Intent) {
  const key = conversationKey(intent);
  return deps.db.tenantTx(key.tenantId, (tx) => loadContext(tx, key, deps.clock.now()));
}
