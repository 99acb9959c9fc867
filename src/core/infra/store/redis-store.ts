import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { AppError } from "../../kernel/errors.js";
import type { Lock, SetOptions, Store } from "../../ports/store.js";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
// INCRBY and set the expiry only when this call created the key, atomically.
const INCR_TTL = `local existed = redis.call("exists", KEYS[1])
local v = redis.call("incrbyfloat", KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call("pexpire", KEYS[1], ARGV[2]) end
return v`;

// The next free slot of a paced key, on Redis's clock (replicas' clocks may differ); the key lives
// until a second after its slot, so an idle address costs nothing.
const PACE = `local t = redis.call("time")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local nxt = tonumber(redis.call("get", KEYS[1]) or "0")
local at = now
if nxt > now then at = nxt end
redis.call("set", KEYS[1], tostring(at + gap), "px", at + gap - now + 1000)
return at - now`;

export class RedisStore implements Store {
  readonly kind = "redis" as const;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "keel:",
  ) {}

  static async connect(url: string, prefix = "keel:"): Promise<RedisStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000 });
    // Without a listener ioredis prints "Unhandled error event" and a stack to the terminal; the
    // cause (e.g. ECONNREFUSED) is more useful in our message than its later "Connection is closed".
    let lastError: Error | undefined;
    redis.on("error", (e: Error) => {
      lastError = e;
    });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      const cause = lastError ?? (err as Error);
      const safe = url.replace(/\/\/[^@]*@/, "//***@");
      throw new AppError(
        "db_unreachable",
        `Cannot connect to Redis at ${safe} (${cause.message}). Check REDIS_URL and that Redis is running, or unset REDIS_URL to use the in-process store.`,
        { cause },
      );
    }
    return new RedisStore(redis, prefix);
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async get(key: string) {
    return this.redis.get(this.k(key));
  }

  async set(key: string, value: string, opts: SetOptions = {}) {
    const k = this.k(key);
    let res: string | null;
    if (opts.ttlMs && opts.nx) res = await this.redis.set(k, value, "PX", opts.ttlMs, "NX");
    else if (opts.ttlMs) res = await this.redis.set(k, value, "PX", opts.ttlMs);
    else if (opts.nx) res = await this.redis.set(k, value, "NX");
    else res = await this.redis.set(k, value);
    return res === "OK";
  }

  async del(key: string) {
    await this.redis.del(this.k(key));
  }

  async incr(key: string, by = 1, ttlMs?: number) {
    return this.incrFloat(key, Math.trunc(by), ttlMs);
  }

  async incrFloat(key: string, by: number, ttlMs?: number) {
    const v = await this.redis.eval(INCR_TTL, 1, this.k(key), String(by), String(ttlMs ?? 0));
    return Number(v);
  }

  async ttl(key: string) {
    return this.redis.pttl(this.k(key));
  }

  async acquireLock(key: string, ttlMs: number): Promise<Lock | null> {
    const token = randomUUID();
    if (!(await this.set(key, token, { nx: true, ttlMs }))) return null;
    return {
      key,
      token,
      release: async () => (await this.redis.eval(RELEASE, 1, this.k(key), token)) === 1,
    };
  }

  async pace(key: string, gapMs: number) {
    return Number(await this.redis.eval(PACE, 1, this.k(key), String(Math.max(0, Math.round(gapMs)))));
  }

  async ping() {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
