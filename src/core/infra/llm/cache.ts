import { createHash } from "node:crypto";
import type { ChatMessage } from "../../ports/llm.js";
import type { Store } from "../../ports/store.js";

/**
 * Response cache in the Store. Key = sha256 over (prompt id@version, model, normalised messages,
 * sampling params), prefixed by the tenant id — the tenant is part of the key's namespace, so two
 * tenants asking the same thing never share an entry. Normalisation: Unicode NFKC, lower case,
 * whitespace collapsed, trailing punctuation dropped — "How is my business doing?" and
 * "how is my business  doing" hit the same entry; anything that changes the words does not.
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
}

export interface CachedAnswer {
  text: string;
  provider: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
}

export function normaliseText(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s?.!]+$/, "");
}

export function cacheKey(p: CacheKeyParts): string {
  const h = createHash("sha256");
  h.update(
    `${p.promptId}@${p.promptVersion}\u0000${p.model}\u0000${p.temperature}\u0000${p.maxTokens}\u0000${p.json}`,
  );
  for (const m of p.messages) h.update(`\u0000${m.role}\u0000${normaliseText(m.content)}`);
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
    const raw = await this.store.get(key);
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
      await this.store.set(key, JSON.stringify(value), { ttlMs: this.ttlMs });
    } catch {
      /* the next request simply misses */
    }
  }

  stats(): { hits: number; misses: number; hitRate: number } {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRate: total ? this.hits / total : 0 };
  }
}
