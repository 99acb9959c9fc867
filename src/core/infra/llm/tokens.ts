import { createRequire } from "node:module";
import type { Tiktoken, TiktokenBPE } from "js-tiktoken/lite";
import type { ChatMessage } from "../../ports/llm.js";

// The rank tables are megabytes of source: loaded (synchronously, the CommonJS builds) on the first
// count for an OpenAI model, never by a process that does not count OpenAI tokens.
const require = createRequire(import.meta.url);

/**
 * Token counting per model family.
 * - OpenAI models: exact BPE counts with js-tiktoken's bundled ranks (o200k_base for gpt-4o, 4.1, 5
 *   and o-series; cl100k_base for gpt-4/3.5) — no download at runtime. Chat framing adds 3 tokens
 *   per message plus 3 for the reply primer (OpenAI's published counting recipe).
 * - Everything else (Llama, Mistral, Qwen… behind Ollama or vLLM): no tokenizer ships with them
 *   here, so we approximate ceil(chars / 3.5) + 4 per message. Llama-3-style tokenizers average
 *   ~3.8–4.2 chars/token on English business text; 3.5 over-counts slightly so truncation errs on
 *   the safe side.
 */
export type TokenFamily = "o200k" | "cl100k" | "approx";

const encoders: Partial<Record<"o200k" | "cl100k", Tiktoken>> = {};

function encoder(family: "o200k" | "cl100k"): Tiktoken {
  // Building the rank table takes ~100 ms, so each encoder is built once, on first use.
  if (!encoders[family]) {
    const { Tiktoken: Encoder } = require("js-tiktoken/lite") as typeof import("js-tiktoken/lite");
    const ranks = require(`js-tiktoken/ranks/${family}_base`) as TiktokenBPE;
    encoders[family] = new Encoder(ranks);
  }
  return encoders[family] as Tiktoken;
}

export function tokenFamily(model: string): TokenFamily {
  const m = model.toLowerCase().replace(/^openai\//, "");
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[1-9]|chatgpt-4o)/.test(m)) return "o200k";
  if (/^(gpt-4|gpt-3\.5|gpt-35)/.test(m)) return "cl100k";
  return "approx";
}

// Short strings repeat (system prompts, templates): a small memo keeps the gateway's overhead low.
const memo = new Map<string, number>();
const MEMO_MAX = 2_000;

/** Tokens in a piece of text for `model`'s family. */
export function countTextTokens(text: string, model: string): number {
  const family = tokenFamily(model);
  if (family === "approx") return Math.ceil(text.length / 3.5);
  const key = `${family}\u0000${text}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const n = encoder(family).encode(text).length;
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
  memo.set(key, n);
  return n;
}

/** Tokens a chat request's messages take, including per-message framing. */
export function countMessageTokens(messages: ChatMessage[], model: string): number {
  const perMessage = tokenFamily(model) === "approx" ? 4 : 3;
  let n = 3;
  for (const m of messages) n += perMessage + countTextTokens(m.content, model);
  return n;
}

/**
 * Context windows (input + output) by model, longest prefix wins. Local models use the context
 * Ollama is started with (OLLAMA_NUM_CTX), not the model's theoretical maximum.
 */
export const DEFAULT_MODEL_LIMITS: Record<string, number> = {
  "gpt-4o-mini": 128_000,
  "gpt-4o": 128_000,
  "gpt-4.1": 1_047_576,
  "gpt-4.1-mini": 1_047_576,
  "gpt-4.1-nano": 1_047_576,
  "gpt-5": 400_000,
  "gpt-4-turbo": 128_000,
  "gpt-4": 8_192,
  "gpt-3.5-turbo": 16_385,
  o1: 200_000,
  o3: 200_000,
  "o4-mini": 200_000,
  "rules-v1": 16_000,
};

export function modelLimit(model: string, limits: Record<string, number>, fallback: number): number {
  let best: string | undefined;
  for (const key of Object.keys(limits))
    if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best ? (limits[best] ?? fallback) : fallback;
}
