import { LlmError } from "../errors.js";
import { offlineHandlerFor } from "../offline/templates.js";
import type { Provider, ProviderResponse } from "../types.js";

export const OFFLINE_MODEL = "rules-v1";

/**
 * The provider that needs no model: rule-based intent detection and templates filled from the
 * request's raw variables. Always available, so a user always gets an answer; prompts with no
 * offline handler (e.g. SMART goal generation) fail with `offline_unsupported`.
 */
export function createOfflineProvider(): Provider {
  const complete = async (req: Parameters<Provider["complete"]>[0]): Promise<ProviderResponse> => {
    const handler = offlineHandlerFor(req.promptId);
    if (!handler) throw new LlmError("offline_unsupported", `no offline template for ${req.promptId}`);
    const out = handler(req.variables);
    const text = typeof out === "string" ? out : JSON.stringify(out);
    return { text, tokensIn: 0, tokensOut: 0, usageReported: true };
  };
  return {
    name: "offline",
    isModel: false,
    complete,
    async *stream(req) {
      const res = await complete(req);
      yield { delta: res.text, usage: { tokensIn: 0, tokensOut: 0 } };
    },
    async probe() {},
  };
}
