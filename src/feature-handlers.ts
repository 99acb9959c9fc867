import { requirePermission } from "./core/features/auth/index.js";
import { cashflowHandler } from "./core/features/cashflow/index.js";
import { digestSettingsHandler } from "./core/features/digest/index.js";
import { flowHandlers } from "./core/features/flows/index.js";
import { forecastMetricReply } from "./core/features/forecast/index.js";
import { whyReply } from "./core/features/insights/index.js";
import { planReply } from "./core/features/optimize/index.js";
import type { HandlerMap } from "./core/intents/dispatcher.js";

/**
 * Handlers of features that live in their own core folders (coach, cashflow, forecast, optimisation,
 * insights, goals, usage). Each entry calls the feature's public index.
 */
export function featureHandlers(): HandlerMap {
  // flowHandlers replace core's deal.show / draft.create with the LLM-backed versions and add goals.
  return {
    ...flowHandlers(),
    "cashflow.forecast": cashflowHandler,
    "digest.settings": digestSettingsHandler,
    "optimize.plan": async (deps, i, actor) => {
      requirePermission(actor, "plan.run", `Your role (${actor.role}) cannot run plans.`);
      return planReply(deps, actor, i.problem);
    },
    "forecast.metric": async (deps, i, actor) => {
      requirePermission(actor, "metrics.read", `Your role (${actor.role}) cannot read metrics.`);
      return forecastMetricReply(deps, actor, i.metric, i.horizon);
    },
    "insights.why": async (deps, i, actor) => {
      requirePermission(actor, "metrics.read", `Your role (${actor.role}) cannot read metrics.`);
      return whyReply(deps, actor, i.metric, i.period);
    },
  };
}
