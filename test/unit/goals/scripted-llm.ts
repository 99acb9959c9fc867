import type { ZodType } from "zod";
import { LlmError } from "../../../src/core/infra/llm/errors.js";
import type { LlmCallMeta, LlmClient, LlmRequest } from "../../../src/core/ports/llm.js";

/** A scripted reply: a value, a function of the request, or a failure. */
export type Step = unknown | ((req: LlmRequest) => unknown) | { fail: string };

/**
 * A fake LlmClient that answers structured requests from a script per prompt id, validating each
 * answer with the caller's schema like the real gateway does. Records every request.
 */
export function scriptedLlm(script: Record<string, Step[]>, opts: { hasModel?: boolean } = {}) {
  const requests: LlmRequest[] = [];
  const meta = (req: LlmRequest): LlmCallMeta => ({
    provider: "scripted",
    model: "fake-1",
    route: "small",
    routeReason: "test",
    tokensIn: 1,
    tokensOut: 1,
    costMicros: 0,
    cacheHit: false,
    latencyMs: 0,
    promptId: req.promptId,
    promptVersion: 1,
  });
  const next = (req: LlmRequest): unknown => {
    requests.push(req);
    const queue = script[req.promptId];
    const step = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (step === undefined) throw new LlmError("offline_unsupported", `no script for ${req.promptId}`);
    if (step && typeof step === "object" && "fail" in step)
      throw new LlmError("server_error", String((step as { fail: string }).fail));
    return typeof step === "function" ? (step as (r: LlmRequest) => unknown)(req) : step;
  };
  const llm: LlmClient & { requests: LlmRequest[] } = {
    requests,
    hasModel: () => opts.hasModel ?? true,
    health: async () => ({ scripted: "ok" }),
    async chat(req) {
      return { text: String(next(req)), meta: meta(req) };
    },
    async *stream(req) {
      yield String(next(req));
    },
    async structured<T>(schema: ZodType<T>, req: LlmRequest) {
      const parsed = schema.safeParse(next(req));
      if (!parsed.success) throw new LlmError("invalid_output", parsed.error.message);
      return { value: parsed.data, meta: meta(req) };
    },
  };
  return llm;
}
