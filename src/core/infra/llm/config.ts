import { fileURLToPath } from "node:url";
import { z } from "zod";
import { envBool as bool, envUrl as url } from "../../kernel/env.js";

/**
 * Environment keys of the LLM gateway (see ENV.md for one line per key). Part of the one
 * env schema (src/config.ts), parsed once into `config.llm`; every key has a default or is optional,
 * so Keel starts with no provider at all (offline only).
 */

const fraction = z.coerce.number().min(0).max(1);
const jsonRecord = z.string().transform((s, ctx) => {
  try {
    const v: unknown = JSON.parse(s);
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  ctx.addIssue({ code: "custom", message: "a JSON object" });
  return z.NEVER;
});

export const llmEnvSchema = z.object({
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url(["http", "https"]).optional(),
  OPENAI_MODEL_SMALL: z.string().default("gpt-4o-mini"),
  OPENAI_MODEL_LARGE: z.string().default("gpt-4o"),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  OLLAMA_HOST: url(["http", "https"]).optional(),
  OLLAMA_MODEL: z.string().default("llama3.1:8b"),
  OLLAMA_NUM_CTX: z.coerce.number().int().positive().default(8192),
  OLLAMA_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  LLM_ROUTE_LOCAL_MAX: fraction.default(0.16),
  LLM_ROUTE_LARGE_MIN: fraction.default(0.5),
  LLM_BUDGET_DOWNGRADE_AT: fraction.default(0.9),
  LLM_TENANT_MONTHLY_BUDGET_USD: z.coerce.number().min(0).default(20),
  LLM_USER_DAILY_BUDGET_USD: z.coerce.number().min(0).default(2),
  LLM_TENANT_RATE_PER_MIN: z.coerce.number().int().min(1).default(60),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(3).default(3),
  LLM_RETRIES_PER_PROVIDER: z.coerce.number().int().min(0).max(2).default(1),
  LLM_RETRY_BASE_MS: z.coerce.number().int().min(0).default(250),
  LLM_RETRY_AFTER_MAX_MS: z.coerce.number().int().min(0).default(5_000),
  /** Calls within the window before the failure rate may open a provider's breaker. */
  LLM_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(10),
  LLM_BREAKER_FAILURE_RATE: fraction.default(0.9),
  LLM_BREAKER_WINDOW_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Time model providers may take for one request in all (then the offline answer); hedges included. */
  LLM_DEADLINE_MS: z.coerce.number().int().min(100).default(7_500),
  /** How long an answer waits for a model to phrase a computed result before using the template wording. */
  LLM_PHRASE_DEADLINE_MS: z.coerce.number().int().min(100).default(4_000),
  /** A model call still silent after this long gets a hedged second call (0 = off). */
  LLM_HEDGE_AFTER_MS: z.coerce.number().int().min(0).default(2_500),
  LLM_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(100).default(30_000),
  /** Model requests of one tenant running at once in this replica (a busy tenant cannot take every slot). */
  LLM_TENANT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
  /** Requests of one tenant waiting beyond that; past it the answer says "busy" at once. */
  LLM_TENANT_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  LLM_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  LLM_CONTEXT_STRATEGY: z.enum(["sliding_window", "keep_ends"]).default("keep_ends"),
  LLM_STARTUP_PROBE: bool.default(true),
  LLM_PRICES_JSON: jsonRecord.optional(),
  LLM_MODEL_LIMITS_JSON: jsonRecord.optional(),
  LLM_PROMPTS_DIR: z.string().optional(),
  /** Embeddings model for similar-deal search (e.g. text-embedding-3-small, nomic-embed-text); unset = none. */
  LLM_EMBEDDINGS_MODEL: z.string().optional(),
  /** Which provider serves it; default: openai when configured, else ollama. */
  LLM_EMBEDDINGS_PROVIDER: z.enum(["openai", "ollama"]).optional(),
});

export type LlmEnv = z.infer<typeof llmEnvSchema>;

/** The repository's prompts/ folder, resolved from this file (src/core/infra/llm → ../../../prompts). */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL("../../../../prompts/", import.meta.url));
