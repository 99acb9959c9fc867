import { randomUUID } from "node:crypto";
import type { Lock, SetOptions, Store } from "../../ports/store.js";

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** In-process store with Redis semantics (TTL, SET NX, atomic increments) for single-process use. */
export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly map = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, opts: SetOptions = {}): Promise<boolean> {
    if (opts.nx && this.live(key)) return false;
    this.map.set(key, { value, expiresAt: opts.ttlMs ? this.now() + opts.ttlMs : null });
    return true;
  }

  async del(key: string): Promise<void> {
    this.map.delete(key);
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.incrFloat(key, Math.trunc(by), ttlMs);
  }

  async incrFloat(key: string, by: number, ttlMs?: number): Promise<number> {
    const e = this.live(key);
    if (!e) {
      this.map.set(key, { value: String(by), expiresAt: ttlMs ? this.now() + ttlMs : null });
      return by;
    }
    const next = Number(e.value) + by;
    e.value = String(next);
    return next;
  }

  async ttl(key: string): Promise<number> {
    const e = this.live(key);
    if (!e) return -2;
    return e.expiresAt === null ? -1 : e.expiresAt - this.now();
  }

  async acquireLock(key: string, ttlMs: number): Promise<Lock | null> {
    const token = randomUUID();
    if (!(await this.set(key, token, { nx: true, ttlMs }))) return null;
    return {
      key,
      token,
      release: async () => {
        if (this.live(key)?.value !== token) return false;
        this.map.delete(key);
        return true;
      },
    };
  }

  async pace(key: string, gapMs: number): Promise<number> {
    const now = this.now();
    const next = Number(this.live(key)?.value ?? 0);
    const at = Math.max(now, next);
    this.map.set(key, { value: String(at + gapMs), expiresAt: at + gapMs + 1000 });
    return at - now;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.map.clear();
  }
}
