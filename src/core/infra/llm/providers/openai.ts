import OpenAI from "openai";
import { LlmError, parseRetryAfter, subCodeForStatus } from "../errors.js";
import type { Provider, ProviderRequest, ProviderResponse, ProviderStreamChunk } from "../types.js";

export interface OpenAiProviderOptions {
  apiKey?: string;
  baseURL?: string;
  timeoutMs: number;
}

/** Turns anything the openai client throws into an LlmError the resilience layer understands. */
export function mapOpenAiError(e: unknown, signal?: AbortSignal): LlmError {
  if (e instanceof LlmError) return e;
  if (e instanceof OpenAI.APIUserAbortError || signal?.aborted)
    return new LlmError("timeout", "openai request aborted (timeout)", { cause: e });
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new LlmError("timeout", "openai connection timeout", { cause: e });
  if (e instanceof OpenAI.APIConnectionError)
    return new LlmError("connection", "openai unreachable", { cause: e });
  if (e instanceof OpenAI.APIError) {
    const retryAfterMs = parseRetryAfter(e.headers);
    return new LlmError(subCodeForStatus(e.status), `openai HTTP ${e.status ?? "?"}`, {
      cause: e,
      status: e.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  // JSON parse failures of the body and other surprises: the server answered with garbage.
  return new LlmError("bad_response", `openai response unusable (${(e as Error)?.name ?? "error"})`, {
    cause: e,
  });
}

/**
 * OpenAI-compatible chat completions (OpenAI, vLLM, LM Studio, llama.cpp server…). The client's own
 * retries are disabled (`maxRetries: 0`) because the gateway retries across providers with a budget.
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions): Provider {
  const client = new OpenAI({
    // Local OpenAI-compatible servers accept any key; the SDK insists on one.
    apiKey: opts.apiKey ?? "not-needed",
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    maxRetries: 0,
    timeout: opts.timeoutMs,
  });

  const body = (req: ProviderRequest) => ({
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: req.temperature,
    max_tokens: req.maxTokens,
    ...(req.json ? { response_format: { type: "json_object" as const } } : {}),
  });

  return {
    name: "openai",
    isModel: true,
    async complete(req, signal): Promise<ProviderResponse> {
      let res: OpenAI.Chat.Completions.ChatCompletion;
      try {
        res = await client.chat.completions.create({ ...body(req), stream: false }, { signal });
      } catch (e) {
        throw mapOpenAiError(e, signal);
      }
      const text = res?.choices?.[0]?.message?.content;
      if (typeof text !== "string")
        throw new LlmError("bad_response", "openai response without message content");
      return {
        text,
        tokensIn: res.usage?.prompt_tokens ?? 0,
        tokensOut: res.usage?.completion_tokens ?? 0,
        usageReported: Boolean(res.usage),
      };
    },
    async *stream(req, signal): AsyncIterable<ProviderStreamChunk> {
      let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
      try {
        stream = await client.chat.completions.create(
          { ...body(req), stream: true, stream_options: { include_usage: true } },
          { signal },
        );
      } catch (e) {
        throw mapOpenAiError(e, signal);
      }
      try {
        for await (const chunk of stream) {
          const delta = chunk.choices?.[0]?.delta?.content ?? "";
          const usage = chunk.usage
            ? { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens }
            : undefined;
          if (delta || usage) yield usage ? { delta, usage } : { delta };
        }
      } catch (e) {
        throw mapOpenAiError(e, signal);
      }
    },
    async embed(model, texts, signal) {
      try {
        const res = await client.embeddings.create(
          { model, input: texts, encoding_format: "float" },
          { signal },
        );
        const data = [...(res?.data ?? [])].sort((a, b) => a.index - b.index);
        if (data.length !== texts.length || data.some((d) => !Array.isArray(d.embedding)))
          throw new LlmError("bad_response", "openai embeddings response does not match the input");
        return { vectors: data.map((d) => d.embedding), tokens: res.usage?.prompt_tokens ?? 0 };
      } catch (e) {
        throw mapOpenAiError(e, signal);
      }
    },
    async probe(signal) {
      try {
        await client.models.list({ signal });
      } catch (e) {
        throw mapOpenAiError(e, signal);
      }
    },
  };
}
