import { createHash } from "node:crypto";
import type { ChatMessage } from "../../ports/llm.js";
import type { Store } from "../../ports/store.js";

/**
 * Response cache in the Store (Redis when configured, so every replica shares it). The key covers
 * exactly what the model saw and nothing per-person that it did not:
 * - namespace: the tenant id — two tenants never share an entry;
 * - prompt id@version, model, sampling parameters, JSON mode;
 * - the asker's data scope (`scope`, e.g. "deals=own:<user>;invoices=0"): a rep and an owner whose
 *   figures differ never share an answer, even if some text happened to match;
 * - every message sent, normalised: the system prompt carries the computed facts (so new data — a
 *   new deal — is a new key), history appears only when the caller sent it (the coach sends it only
 *   for questions that refer to earlier turns), and the user's own question (`question`, the
 *   routing text) is normalised harder: greetings, "please", punctuation and spacing do not matter.
 * Semantic near-duplicate matching is deliberately absent: two phrasings that differ by one word
 * ("revenue" / "revenue last month") can need different answers, and an embedding model per lookup
 * would cost more than the calls it saves on a small tenant.
 */
export interface CacheKeyParts {
  tenantId: string;
  promptId: string;
  promptVersion: number;
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  json: boolean;
  /** The asker's data scope; "" when the answer does not depend on who asks. */
  scope?: string;
  /** The user's own words; the user message equal to them is keyed by `normaliseQuestion`. */
  question?: string;
}

export interface CachedAnswer {
  text: string;
  provider: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  /** What producing this entry cost (µ$): the money each hit saves. Absent in older entries. */
  costMicros?: number;
  /**
   * A structured answer that failed validation even after the repair request: cached so the same
   * question is not re-asked (the caller falls back, e.g. classification to the rules).
   */
  invalid?: string;
}

/** Failed-validation entries live shorter: a model or prompt fix should be picked up soon. */
export const INVALID_TTL_MS = 10 * 60_000;

export function normaliseText(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s?.!]+$/, "");
}

const GREETING =
  /^(?:(?:hey|hi|hello|hiya|yo|ok|okay|so|um|hmm|hola|hallo|bonjour|ciao|oi|please|pls|plz|quick question|keel|@keel|<@[a-z0-9]+>)(?![\p{L}\p{N}])[\s,:;!.-]*)+/u;
const TRAILER =
  /(?:[\s,;:-]*(?<![\p{L}\p{N}])(?:please|pls|plz|thanks|thank you|thx|ty|por favor|bitte|gracias|danke|merci))+$/u;

/**
 * The question as a cache key reads it: NFKC, lower case, greetings and politeness at either end
 * dropped, punctuation that does not change meaning (?, !, quotes, commas, trailing dots) removed,
 * whitespace collapsed. Digits, signs, %, currency symbols, decimal points and words are kept: "Q3"
 * and "Q4", "top 5" and "top 3", "revenue" and "revenue last month" stay different questions.
 */
export function normaliseQuestion(s: string): string {
  let t = s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u201C\u201D"'`´¿¡?!…]/g, " ")
    .replace(/,(?!\d)/g, " ")
    .replace(/\.(?!\d)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (let i = 0; i < 3; i++) {
    const before = t;
    t = t.replace(GREETING, "").replace(TRAILER, "").trim();
    if (t === before) break;
  }
  // "hi" and "thanks" are different messages, not one empty question.
  return t || normaliseText(s);
}

export function cacheKey(p: CacheKeyParts): string {
  const h = createHash("sha256");
  h.update(
    `${p.promptId}@${p.promptVersion}\u0000${p.model}\u0000${p.temperature}\u0000${p.maxTokens}\u0000${p.json}\u0000scope=${p.scope ?? ""}`,
  );
  const question = p.question === undefined ? undefined : normaliseText(p.question);
  for (const m of p.messages) {
    const flat = normaliseText(m.content);
    const text =
      m.role === "user" && question !== undefined && flat === question ? normaliseQuestion(flat) : flat;
    h.update(`\u0000${m.role}\u0000${text}`);
  }
  return `llm:cache:${p.tenantId}:${h.digest("hex")}`;
}

export class ResponseCache {
  hits = 0;
  misses = 0;
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  async get(key: string): Promise<CachedAnswer | null> {
    if (!this.enabled) return null;
    let raw: string | null;
    try {
      raw = await this.store.get(key);
    } catch {
      raw = null; // a store hiccup is a miss, never a failed answer
    }
    if (raw === null) {
      this.misses++;
      return null;
    }
    try {
      const v = JSON.parse(raw) as CachedAnswer;
      this.hits++;
      return v;
    } catch {
      this.misses++;
      return null;
    }
  }

  /** Best effort: a store hiccup must not fail an answer, so errors are swallowed here. */
  async set(key: string, value: CachedAnswer): Promise<void> {
    if (!this.enabled) return;
    try {
      const ttlMs = value.invalid ? Math.min(this.ttlMs, INVALID_TTL_MS) : this.ttlMs;
      await this.store.set(key, JSON.stringify(value), { ttlMs });
    } catch {
      /* the next request simply misses */
    }
  }

  stats(): { hits: number; misses: number; hitRate: number } {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRate: total ? this.hits / total : 0 };
  }
}
