import { afterAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/core/infra/store/index.js";
import { RedisStore } from "../../src/core/infra/store/redis-store.js";
import type { Store } from "../../src/core/ports/store.js";
import { realRedis } from "../support/deps.js";

const stores: { name: string; make: () => Promise<Store> }[] = [
  { name: "memory", make: async () => new MemoryStore() },
];
if (realRedis)
  stores.push({
    name: "redis",
    make: () => RedisStore.connect(process.env.REDIS_URL!, `keel:test:${process.pid}:${Date.now()}:`),
  });

describe.each(stores)("store semantics ($name)", ({ make }) => {
  const opened: Store[] = [];
  const open = async () => {
    const s = await make();
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it("SET NX succeeds once", async () => {
    const s = await open();
    expect(await s.set("k", "1", { nx: true })).toBe(true);
    expect(await s.set("k", "2", { nx: true })).toBe(false);
    expect(await s.get("k")).toBe("1");
  });

  it("expires keys after their TTL", async () => {
    const s = await open();
    await s.set("t", "x", { ttlMs: 50 });
    expect(await s.get("t")).toBe("x");
    expect(await s.ttl("t")).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(await s.get("t")).toBeNull();
    expect(await s.ttl("t")).toBe(-2);
  });

  it("increments atomically under concurrency and sets the TTL only on creation", async () => {
    const s = await open();
    const results = await Promise.all(Array.from({ length: 50 }, () => s.incr("c", 1, 60_000)));
    expect(new Set(results).size).toBe(50);
    expect(Math.max(...results)).toBe(50);
    expect(await s.ttl("c")).toBeGreaterThan(0);
    expect(await s.incrFloat("f", 0.25)).toBeCloseTo(0.25);
    expect(await s.incrFloat("f", 0.5)).toBeCloseTo(0.75);
  });

  it("locks are exclusive and released only by their holder", async () => {
    const s = await open();
    const l1 = await s.acquireLock("lock", 10_000);
    expect(l1).not.toBeNull();
    expect(await s.acquireLock("lock", 10_000)).toBeNull();
    expect(await l1!.release()).toBe(true);
    expect(await l1!.release()).toBe(false);
    expect(await s.acquireLock("lock", 10_000)).not.toBeNull();
  });
});
