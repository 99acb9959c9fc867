import { Ollama } from "ollama";
import { LlmError, parseRetryAfter, subCodeForStatus } from "../errors.js";
import type { Provider, ProviderRequest, ProviderResponse, ProviderStreamChunk } from "../types.js";

export interface OllamaProviderOptions {
  host: string;
  numCtx: number;
}

interface CallState {
  retryAfterMs?: number;
  status?: number;
}

/**
 * A client per call whose fetch carries the call's AbortSignal: ollama-js has no timeout and only
 * aborts streams, so the gateway's cockatiel timeout reaches the socket this way. The same wrapper
 * remembers Retry-After, which ollama-js' ResponseError drops.
 */
function clientFor(host: string, signal: AbortSignal, state: CallState): Ollama {
  const fetchWithSignal: typeof fetch = async (input, init) => {
    const res = await fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
    if (!res.ok) {
      state.status = res.status;
      const ra = parseRetryAfter(res.headers);
      if (ra !== undefined) state.retryAfterMs = ra;
    }
    return res;
  };
  return new Ollama({ host, fetch: fetchWithSignal });
}

function mapError(e: unknown, signal: AbortSignal, state: CallState): LlmError {
  if (e instanceof LlmError) return e;
  if (signal.aborted) return new LlmError("timeout", "ollama request aborted (timeout)", { cause: e });
  const status = (e as { status_code?: number }).status_code ?? state.status;
  if (status !== undefined) {
    return new LlmError(subCodeForStatus(status), `ollama HTTP ${status}`, {
      cause: e,
      status,
      ...(state.retryAfterMs !== undefined ? { retryAfterMs: state.retryAfterMs } : {}),
    });
  }
  if (e instanceof SyntaxError)
    return new LlmError("bad_response", "ollama response is not JSON", { cause: e });
  if (e instanceof TypeError) return new LlmError("connection", "ollama unreachable", { cause: e });
  return new LlmError("bad_response", `ollama response unusable (${(e as Error)?.name ?? "error"})`, {
    cause: e,
  });
}

/** Ollama's native /api/chat (non-streaming and NDJSON streaming). */
export function createOllamaProvider(opts: OllamaProviderOptions): Provider {
  const request = (req: ProviderRequest) => ({
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    options: { temperature: req.temperature, num_predict: req.maxTokens, num_ctx: opts.numCtx },
    ...(req.json ? { format: "json" } : {}),
  });

  return {
    name: "ollama",
    isModel: true,
    async complete(req, signal): Promise<ProviderResponse> {
      const state: CallState = {};
      try {
        const res = await clientFor(opts.host, signal, state).chat({ ...request(req), stream: false });
        const text = res?.message?.content;
        if (typeof text !== "string")
          throw new LlmError("bad_response", "ollama response without message content");
        const reported = typeof res.prompt_eval_count === "number" || typeof res.eval_count === "number";
        return {
          text,
          tokensIn: res.prompt_eval_count ?? 0,
          tokensOut: res.eval_count ?? 0,
          usageReported: reported,
        };
      } catch (e) {
        throw mapError(e, signal, state);
      }
    },
    async *stream(req, signal): AsyncIterable<ProviderStreamChunk> {
      const state: CallState = {};
      try {
        const it = await clientFor(opts.host, signal, state).chat({ ...request(req), stream: true });
        for await (const part of it) {
          const delta = part.message?.content ?? "";
          if (part.done)
            yield {
              delta,
              usage: { tokensIn: part.prompt_eval_count ?? 0, tokensOut: part.eval_count ?? 0 },
            };
          else if (delta) yield { delta };
        }
      } catch (e) {
        throw mapError(e, signal, state);
      }
    },
    async embed(model, texts, signal) {
      const state: CallState = {};
      try {
        const res = await clientFor(opts.host, signal, state).embed({ model, input: texts });
        if (!Array.isArray(res?.embeddings) || res.embeddings.length !== texts.length)
          throw new LlmError("bad_response", "ollama embeddings response does not match the input");
        return { vectors: res.embeddings, tokens: res.prompt_eval_count ?? 0 };
      } catch (e) {
        throw mapError(e, signal, state);
      }
    },
    async probe(signal) {
      const state: CallState = {};
      try {
        await clientFor(opts.host, signal, state).list();
      } catch (e) {
        throw mapError(e, signal, state);
      }
    },
  };
}
