import type { HandlerMap } from "../../intents/dispatcher.js";
import { requirePermission } from "../auth/index.js";
import { acceptGoalReply, goalsReply, planGoalReply } from "../goals/index.js";
import { sourcesReply } from "../provenance/index.js";
import { dealSummaryReplyFor } from "./deal-reply.js";
import { draftCreateReply } from "./draft-request.js";

const need = requirePermission;

/**
 * Handlers of the core flows: richer `deal.show` (model summary + checklist), `draft.create` with the
 * model draft writer, the goal planner and tracker, and `sources.show`. Registered in
 * src/feature-handlers.ts, where they override the core versions.
 */
export function flowHandlers(): HandlerMap {
  return {
    "deal.show": async (deps, i, actor) => {
      need(actor, "deals.read");
      return dealSummaryReplyFor(deps, actor, i.query);
    },
    "draft.create": async (deps, i, actor) => draftCreateReply(deps, actor, i.origin, i),
    "goal.plan": async (deps, i, actor) => planGoalReply(deps, actor, i.text),
    "goal.accept": async (deps, i, actor) => acceptGoalReply(deps, actor, i.goalRef),
    "goals.list": async (deps, _i, actor) => goalsReply(deps, actor),
    "sources.show": async (deps, i) => sourcesReply(deps.store, i.origin.tenantId, i.origin.conversationId),
  };
}
