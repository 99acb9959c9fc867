/**
 * Small key-value store for cache, locks, rate limits and de-duplication. Redis in production,
 * an in-process map with the same semantics otherwise. Keys are namespaced by callers
 * (always include the tenant where data is tenant-specific).
 */
export interface SetOptions {
  ttlMs?: number;
  /** Only set when the key does not exist (SET NX). */
  nx?: boolean;
}

export interface Lock {
  key: string;
  token: string;
  release(): Promise<boolean>;
}

export interface Store {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  /** Returns false when `nx` was given and the key already existed. */
  set(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Atomic increment; `ttlMs` is applied when the key is created by this call. */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;
  /** Atomic float increment (for money in minor units with fractions, token budgets). */
  incrFloat(key: string, by: number, ttlMs?: number): Promise<number>;
  /** Remaining time to live in ms, -1 without expiry, -2 when missing. */
  ttl(key: string): Promise<number>;
  acquireLock(key: string, ttlMs: number): Promise<Lock | null>;
  /**
   * Reserves the next slot of a paced key, atomically: the slot is now or `gapMs` after the slot
   * reserved last, whichever is later, and the key remembers it. Returns how long the caller waits
   * for its slot (0 = go now). Every replica sharing the store shares the spacing; Redis measures
   * time with its own clock, so replicas with skewed clocks still space their sends.
   */
  pace(key: string, gapMs: number): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
