import type { Handler } from "../../intents/dispatcher.js";
import type { IntentKind } from "../../intents/intent.js";
import { answerCoach } from "./answer.js";
import { classifyIntent } from "./classify.js";
import { featureIntentFor } from "./route.js";

/**
 * The `coach.message` handler: free text is classified (rules first, the model only when the rules
 * are unsure); messages about a feature ("what's my cashflow for 60 days?", "why did revenue drop")
 * go to that feature's handler, everything else is answered by the coach.
 */
export function coachHandler(
  resolve: (kind: IntentKind) => Handler<IntentKind> | undefined,
): Handler<"coach.message"> {
  return async (deps, intent, actor) => {
    const c = await classifyIntent(deps, { tenantId: actor.tenantId, userId: actor.userId }, intent.text);
    const routed = c.confidence >= 0.5 ? featureIntentFor(c, intent.text) : null;
    const handler = routed ? resolve(routed.kind) : undefined;
    if (routed && handler) {
      const reply = await handler(
        deps,
        { ...routed, origin: intent.origin, idempotencyKey: intent.idempotencyKey } as never,
        actor,
      );
      return {
        ...reply,
        meta: { ...reply.meta, routedFrom: "coach.message", classifiedBy: c.via, intent: routed.kind },
      };
    }
    return answerCoach(deps, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      channel: intent.origin.channel,
      conversationId: intent.origin.conversationId,
      threadId: intent.origin.threadId,
      text: intent.text,
    });
  };
}
