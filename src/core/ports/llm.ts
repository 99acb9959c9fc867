import type { ZodType } from "zod";

/**
 * The LLM port the core talks to (implemented by src/core/infra/llm: routing, fallbacks, cache, budgets,
 * ledger). Features name a prompt from the registry and pass variables; they never see providers.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface LlmCallContext {
  tenantId: string;
  userId?: string;
  /** Ledger feature name, e.g. "coach", "deal.summary". */
  feature: string;
}

export interface LlmCallMeta {
  provider: string;
  model: string;
  route: string;
  routeReason: string;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  cacheHit: boolean;
  latencyMs: number;
  promptId?: string;
  promptVersion?: number;
  /** Calls that reached a model server for this request (retries and fallbacks included). */
  attempts?: number;
  warnings?: string[];
  /** Time spent waiting on providers; latencyMs − providerMs is the gateway's own overhead. */
  providerMs?: number;
  /** Router inputs, for explaining the route. */
  complexity?: number;
  sensitive?: string[];
  /** Providers that failed before the one that answered, e.g. ["openai:server_error"]. */
  fallbacks?: string[];
  /** On a cache hit: what the cached answer cost to produce (µ$), i.e. the money saved. */
  savedMicros?: number;
}

export interface LlmRequest {
  ctx: LlmCallContext;
  /** Prompt registry id, e.g. "coach.answer"; the latest released version is used unless pinned. */
  promptId: string;
  promptVersion?: number;
  variables: Record<string, unknown>;
  /** Conversation history placed between the system prompt and the rendered user prompt. */
  history?: ChatMessage[];
  /**
   * The user's own words, scored for complexity by the router (defaults to the rendered user
   * prompt, which includes template text). Sensitivity is always checked on everything sent.
   */
  routingText?: string;
  /** Skip the response cache (read and write), e.g. for drafts that must vary. */
  noCache?: boolean;
  /**
   * The asker's data scope (what their role may see), part of the cache key: people share a cached
   * answer only when it is equal. Set it whenever the variables were filtered by role.
   */
  cacheScope?: string;
}

export interface LlmTextResult {
  text: string;
  meta: LlmCallMeta;
}

export interface LlmStructuredResult<T> {
  value: T;
  meta: LlmCallMeta;
}

export interface LlmChatOptions {
  /**
   * Stream the answer: called with the whole text so far after each chunk from the model. The text
   * is unchecked — the caller validates before showing any of it. The result is the same as without.
   */
  onText?: (textSoFar: string) => void;
}

export interface LlmClient {
  chat(req: LlmRequest, opts?: LlmChatOptions): Promise<LlmTextResult>;
  stream(req: LlmRequest): AsyncIterable<string>;
  structured<T>(schema: ZodType<T>, req: LlmRequest): Promise<LlmStructuredResult<T>>;
  /**
   * Embeddings of `texts` from the configured embeddings model (`LLM_EMBEDDINGS_MODEL`), one vector per
   * text in order; null when no embeddings model is configured. Throws on provider failure (callers
   * degrade to text search). Optional so scripted test clients need not implement it.
   */
  embed?(ctx: LlmCallContext, texts: string[]): Promise<{ model: string; vectors: number[][] } | null>;
  /** True when a real model (not only the offline provider) is configured and healthy. */
  hasModel(): boolean;
  /** Provider health for /readyz. */
  health(): Promise<Record<string, "ok" | "degraded" | "down" | "unconfigured">>;
}
