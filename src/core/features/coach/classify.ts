import { z } from "zod";
import type { Deps } from "../../deps.js";
import { classifyByRules, INTENT_KINDS, type IntentKind } from "../../infra/llm/index.js";
import type { LlmCallMeta } from "../../ports/llm.js";

export interface ClassifyContext {
  tenantId: string;
  userId?: string;
}

export interface ClassifiedIntent {
  kind: IntentKind;
  /** Extracted arguments: days (cashflow), name (deal), target (remind), metric/direction (why),
   *  domain (plan), metric/horizon (forecast). */
  args: Record<string, string | number>;
  confidence: number;
  /** Who decided: the free rules, or the model when the rules were ambiguous. */
  via: "rules" | "model";
  meta?: LlmCallMeta;
}

const modelAnswer = z.object({
  intent: z.enum(INTENT_KINDS),
  args: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  confidence: z.number().min(0).max(1).default(0.5),
});

/**
 * Rules first (free, deterministic); the model is asked only when the rules are ambiguous (several
 * intents matched, or only weak signals) and a model is available. A model answer that fails or is
 * unsure (< 0.6) leaves the rules' answer in place.
 */
export async function classifyIntent(
  deps: Deps,
  ctx: ClassifyContext,
  text: string,
): Promise<ClassifiedIntent> {
  const trimmed = text.trim();
  if (!trimmed) return { kind: "help", args: {}, confidence: 1, via: "rules" };
  const rules = classifyByRules(trimmed);
  const byRules: ClassifiedIntent = {
    kind: rules.kind,
    args: rules.args,
    confidence: rules.confidence,
    via: "rules",
  };
  if (!rules.ambiguous || !deps.llm.hasModel() || trimmed.length > 2_000) return byRules;
  try {
    const res = await deps.llm.structured(modelAnswer, {
      ctx: { ...ctx, feature: "intent.classify" },
      promptId: "intent.classify",
      variables: { message: trimmed },
      routingText: trimmed,
    });
    if (res.meta.provider === "offline" || res.value.confidence < 0.6) return { ...byRules, meta: res.meta };
    // Keep arguments the rules extracted when the model found none (e.g. "cashflow 90").
    const args = Object.keys(res.value.args).length
      ? res.value.args
      : res.value.intent === rules.kind
        ? rules.args
        : {};
    return { kind: res.value.intent, args, confidence: res.value.confidence, via: "model", meta: res.meta };
  } catch (err) {
    deps.logger.child({ feature: "intent" }).warn({ err }, "model intent classification failed, using rules");
    return byRules;
  }
}
