import { isCashBalanceMetric } from "../../intents/cash-balance.js";
import type { IntentArgs } from "../../intents/intent.js";
import type { ClassifiedIntent } from "./classify.js";

const PROBLEMS = ["staffing", "inventory", "budget"] as const;

/**
 * A free-text message the classifier attributed to a feature → that feature's intent arguments.
 * Returns null when the message stays with the coach (chat, or a feature without the needed args).
 */
export function featureIntentFor(c: ClassifiedIntent, text: string): IntentArgs | null {
  const str = (k: string) =>
    typeof c.args[k] === "string" && String(c.args[k]).trim() ? String(c.args[k]).trim() : undefined;
  const num = (k: string) =>
    typeof c.args[k] === "number"
      ? (c.args[k] as number)
      : Number.isFinite(Number(c.args[k])) && c.args[k] !== undefined
        ? Number(c.args[k])
        : undefined;
  switch (c.kind) {
    case "cashflow":
      return { kind: "cashflow.forecast", horizonDays: num("days"), on: str("on") };
    case "deal":
      return str("name") ? { kind: "deal.show", query: str("name")! } : null;
    case "remind":
      return str("target") ? { kind: "draft.create", query: str("target")! } : null;
    case "why":
      return str("metric") ? { kind: "insights.why", metric: str("metric")! } : null;
    case "plan": {
      const p = str("domain");
      return p && (PROBLEMS as readonly string[]).includes(p)
        ? { kind: "optimize.plan", problem: p as (typeof PROBLEMS)[number] }
        : null;
    }
    case "goal":
      return { kind: "goal.plan", text };
    case "forecast":
      if (str("metric") && isCashBalanceMetric(str("metric")!))
        return { kind: "cashflow.forecast", weeks: Math.min(num("horizon") ?? 8, 52) };
      return str("metric")
        ? { kind: "forecast.metric", metric: str("metric")!, horizon: num("horizon") }
        : null;
    case "help":
      return { kind: "help" };
    default:
      return null;
  }
}
