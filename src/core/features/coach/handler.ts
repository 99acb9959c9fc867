import type { Handler } from "../../intents/feature.js";
import { intentSchema, makeIntent } from "../../intents/intent.js";
import { askQuestion } from "../ask/index.js";
import { dataScope } from "../auth/index.js";
import { contextFor, resolveFollowUp } from "../conversation/index.js";
import { answerCoach } from "./answer.js";
import { classifyIntent } from "./classify.js";
import { featureIntentFor } from "./route.js";

/**
 * The `coach.message` handler: free text is classified (rules first, the model only when the rules
 * are unsure); messages about a feature ("what's my cashflow for 60 days?", "why did revenue drop")
 * go through the registry to that feature (its permission applies), everything else is answered by
 * the coach.
 */
export const coachHandler: Handler<"coach.message"> = async (deps, intent, actor, ctx) => {
  // What was just said: a number answering a list, "remind them", "approve it", "the second one".
  const state = await contextFor(deps, intent);
  const follow = resolveFollowUp(intent.text, state);
  if (follow?.kind === "reply")
    return { text: follow.text, meta: { intent: "follow-up", outcome: "no_context" } };
  if (follow?.kind === "intent") {
    // Stored choices are validated like any intent before they run (permission checked by route).
    const checked = intentSchema.safeParse(makeIntent(follow.args, intent.origin, intent.idempotencyKey));
    if (checked.success) {
      const reply = await ctx.route(follow.args);
      return { ...reply, meta: { ...reply.meta, routedFrom: "follow-up" } };
    }
    deps.logger.warn({ kind: follow.args.kind }, "stored choice failed validation");
  }
  const c = await classifyIntent(deps, { tenantId: actor.tenantId, userId: actor.userId }, intent.text);
  const routed = c.confidence >= 0.5 ? featureIntentFor(c, intent.text) : null;
  if (routed) {
    const reply = await ctx.route(routed);
    return {
      ...reply,
      meta: { ...reply.meta, routedFrom: "coach.message", classifiedBy: c.via, intent: routed.kind },
    };
  }
  // A question about the business's numbers becomes a typed query computed by code; nonsense gets
  // "I didn't understand" with suggestions instead of the canned summary.
  const asked = await askQuestion(deps, actor, intent.text, { lastQuery: state.lastQuery });
  if (asked) return asked.reply;
  return answerCoach(deps, {
    tenantId: actor.tenantId,
    scope: dataScope(actor),
    userId: actor.userId,
    channel: intent.origin.channel,
    conversationId: intent.origin.conversationId,
    threadId: intent.origin.threadId,
    text: intent.text,
    ...(ctx.progress ? { onProgress: ctx.progress } : {}),
  });
};
