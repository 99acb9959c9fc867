import type { ChatMessage } from "../../ports/llm.js";

/** Model tiers a prompt can ask for; the router maps them to concrete providers and models. */
export type Tier = "small" | "large" | "local";

/** Where a request is sent. `offline` needs no model and is always the last resort. */
export type Route = "large" | "small" | "local" | "offline";

export type ProviderName = "openai" | "ollama" | "offline";

/** One call to one provider, after routing, rendering and context management. */
export interface ProviderRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  /** Ask for a JSON object (OpenAI json_object, Ollama format "json"). */
  json: boolean;
  /** The prompt and raw variables, so the offline provider can answer from data, not text. */
  promptId: string;
  variables: Record<string, unknown>;
}

export interface ProviderResponse {
  text: string;
  tokensIn: number;
  tokensOut: number;
  /** False when the provider did not report usage and the gateway counted tokens itself. */
  usageReported: boolean;
}

export interface ProviderStreamChunk {
  delta: string;
  /** Present on the final chunk when the provider reports usage. */
  usage?: { tokensIn: number; tokensOut: number };
}

/** A concrete backend. Implementations do no retries of their own: the gateway owns resilience. */
export interface Provider {
  readonly name: ProviderName;
  /** A real model behind it (false for offline). */
  readonly isModel: boolean;
  complete(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse>;
  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderStreamChunk>;
  /** Embeddings (OpenAI `/v1/embeddings`, Ollama `/api/embed`); absent on the offline provider. */
  embed?(
    model: string,
    texts: string[],
    signal: AbortSignal,
  ): Promise<{ vectors: number[][]; tokens: number }>;
  /** Cheap reachability check (list models); throws on failure. */
  probe(signal: AbortSignal): Promise<void>;
}
