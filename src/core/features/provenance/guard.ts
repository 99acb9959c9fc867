import type { Logger } from "../../infra/logger.js";
import type { FigureContext } from "./context.js";
import { checkFigures } from "./validate.js";

export interface GuardedText {
  text: string;
  /** True when the model's phrasing was refused and the template phrasing is used. */
  usedFallback: boolean;
  unsupported: string[];
}

/**
 * Keeps an LLM-phrased text only when all its figures come from the context; otherwise returns the
 * template phrasing and logs the refused figures (never the text itself).
 */
export function guardFigures(
  log: Pick<Logger, "warn">,
  input: {
    feature: string;
    llmText: string;
    fallbackText: string;
    context: FigureContext | unknown;
    promptId?: string;
    promptVersion?: number;
  },
): GuardedText {
  const check = checkFigures(input.llmText, input.context);
  if (check.ok) return { text: input.llmText, usedFallback: false, unsupported: [] };
  log.warn(
    {
      feature: input.feature,
      promptId: input.promptId,
      promptVersion: input.promptVersion,
      unsupported: check.unsupported.slice(0, 10),
      provenance: "violation",
    },
    "llm reply stated figures not in the computed context; using the template phrasing",
  );
  return { text: input.fallbackText, usedFallback: true, unsupported: check.unsupported };
}
