import { afterAll, describe, expect, it } from "vitest";
import { LlmError } from "../../../src/core/infra/llm/errors.js";
import { AttemptBudget, ResilientProvider } from "../../../src/core/infra/llm/resilience.js";
import { MemoryStore } from "../../../src/core/infra/store/index.js";
import { RedisStore } from "../../../src/core/infra/store/redis-store.js";
import type { Store } from "../../../src/core/ports/store.js";
import { realRedis } from "../../support/deps.js";

/**
 * Keeping a flaky model in use (issue 16 item 3), on ResilientProvider itself: the breaker opens on
 * a failure rate, not a streak; a silent call gets a hedge; the request deadline bounds retries; an
 * open breaker reaches every replica through the shared store (Redis when REDIS_URL is set).
 */
const stores: { name: string; make: () => Promise<Store> }[] = [
  { name: "memory", make: async () => new MemoryStore() },
];
if (realRedis)
  stores.push({
    name: "redis",
    make: () => RedisStore.connect(process.env.REDIS_URL!, `keel:test:breaker:${process.pid}:${Date.now()}:`),
  });

const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

const provider = (
  shared: Store | undefined,
  over: Partial<ConstructorParameters<typeof ResilientProvider>[1]> = {},
) =>
  new ResilientProvider("openai", {
    timeoutMs: 2_000,
    breakerThreshold: 10,
    breakerFailureRate: 0.9,
    breakerWindowMs: 30_000,
    halfOpenAfterMs: 60_000,
    hedgeAfterMs: 0,
    retries: 0,
    retryBaseMs: 1,
    retryAfterMaxMs: 5_000,
    now: () => Date.now(),
    ...(shared ? { shared } : {}),
    ...over,
  });
const fail = () => Promise.reject(new LlmError("server_error", "500 from the fake"));
const ok = () => Promise.resolve("answer");

describe("breaker on a failure rate", () => {
  it("keeps a provider that fails 60 % of the time in use (200 calls, seeded pattern)", async () => {
    const p = provider(undefined);
    let answered = 0;
    for (let i = 0; i < 200; i++) {
      const failing = (i * 7919) % 10 < 6; // 6 of every 10, spread out
      try {
        await p.run(failing ? fail : ok, new AttemptBudget(1));
        answered++;
      } catch (e) {
        expect((e as LlmError).subCode).toBe("server_error"); // never circuit_open
      }
    }
    expect(p.state).toBe("closed");
    expect(answered).toBe(80);
  });

  it("opens for a dead provider once the window has enough calls, then skips it", async () => {
    const p = provider(undefined);
    let calls = 0;
    const dead = () => {
      calls++;
      return fail();
    };
    for (let i = 0; i < 10; i++) await expect(p.run(dead, new AttemptBudget(1))).rejects.toThrow();
    expect(p.state).toBe("open");
    await expect(p.run(dead, new AttemptBudget(1))).rejects.toMatchObject({ subCode: "circuit_open" });
    expect(calls).toBe(10);
  });

  it("lets one probe through when half-open; a failed probe re-opens at once", async () => {
    let now = 1_000_000;
    const p = provider(undefined, { halfOpenAfterMs: 1_000, now: () => now });
    for (let i = 0; i < 10; i++) await expect(p.run(fail, new AttemptBudget(1))).rejects.toThrow();
    expect(p.state).toBe("open");
    now += 1_500;
    await new Promise((r) => setTimeout(r, 1_100)); // cockatiel's half-open timer uses real time
    await expect(p.run(fail, new AttemptBudget(1))).rejects.toMatchObject({ subCode: "server_error" });
    expect(p.state).toBe("open");
  });
});

describe("hedging and the deadline", () => {
  it("hedges a silent call: the second call answers, the hung one is aborted", async () => {
    const p = provider(undefined, { hedgeAfterMs: 150 });
    const signals: AbortSignal[] = [];
    let n = 0;
    const t0 = performance.now();
    const budget = new AttemptBudget(3);
    const text = await p.run((signal) => {
      signals.push(signal);
      n++;
      if (n === 1) return new Promise<string>(() => undefined); // hangs forever
      return ok();
    }, budget);
    expect(text).toBe("answer");
    expect(budget.used).toBe(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1_900); // well inside the 2 s timeout
  });

  it("does not hedge when the attempt budget is spent", async () => {
    const p = provider(undefined, { hedgeAfterMs: 50, timeoutMs: 400 });
    let n = 0;
    await expect(
      p.run(() => {
        n++;
        return new Promise<string>(() => undefined);
      }, new AttemptBudget(1)),
    ).rejects.toMatchObject({ subCode: "timeout" });
    expect(n).toBe(1);
  });

  it("never waits for a Retry-After that ends after the request's deadline", async () => {
    const p = provider(undefined, { retries: 2 });
    let n = 0;
    const t0 = performance.now();
    await expect(
      p.run(() => {
        n++;
        return Promise.reject(new LlmError("rate_limited", "429", { retryAfterMs: 3_000 }));
      }, new AttemptBudget(3, 1_000)),
    ).rejects.toMatchObject({ subCode: "rate_limited" });
    expect(n).toBe(1);
    expect(performance.now() - t0).toBeLessThan(900);
  });

  it("skips the provider once the deadline, counted from the first model call, has passed", async () => {
    const p = provider(undefined);
    const budget = new AttemptBudget(3, 200);
    await new Promise((r) => setTimeout(r, 250)); // time before the first call is not model time
    await expect(p.run(fail, budget)).rejects.toMatchObject({ subCode: "server_error" });
    await new Promise((r) => setTimeout(r, 250));
    await expect(p.run(ok, budget)).rejects.toMatchObject({ subCode: "timeout" });
    expect(budget.used).toBe(1);
  });
});

describe.each(stores)("an open breaker is shared across replicas ($name store)", ({ make }) => {
  it("replica B skips the provider replica A found dead, until the half-open time", async () => {
    const store = await make();
    opened.push(store);
    const a = provider(store, { halfOpenAfterMs: 1_000 });
    const b = provider(store, { halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 10; i++) await expect(a.run(fail, new AttemptBudget(1))).rejects.toThrow();
    expect(a.state).toBe("open");
    await new Promise((r) => setTimeout(r, 50)); // the publish is not awaited on the request path
    let bCalls = 0;
    await expect(
      b.run(() => {
        bCalls++;
        return ok();
      }, new AttemptBudget(1)),
    ).rejects.toMatchObject({ subCode: "circuit_open" });
    expect(bCalls).toBe(0);
    await new Promise((r) => setTimeout(r, 1_200)); // the shared mark expires with the half-open time
    expect(await b.run(ok, new AttemptBudget(1))).toBe("answer");
  });
});
