import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactPacer } from "../../../src/bots/whatsapp/pacer.js";
import { createApiToken } from "../../../src/core/features/api/index.js";
import { actorForIdentity, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { LlmError } from "../../../src/core/infra/llm/errors.js";
import { AttemptBudget, ResilientProvider } from "../../../src/core/infra/llm/resilience.js";
import { MemoryStore } from "../../../src/core/infra/store/index.js";
import { SharedPacer } from "../../../src/core/infra/store/pacer.js";
import { RedisStore } from "../../../src/core/infra/store/redis-store.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { makeIntent } from "../../../src/core/intents/intent.js";
import type { Store } from "../../../src/core/ports/store.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { call } from "../../support/api-client.js";
import { createTestDeps, realRedis, type TestDeps } from "../../support/deps.js";

/**
 * State that several replicas must share lives in the store: per-address pacing (Slack channel,
 * WhatsApp contact, outbox), API rate limits, the LLM breaker and Retry-After cooldowns, intent
 * de-duplication. "Two replicas" are two separate store clients on the same Redis (same key prefix);
 * with the in-process store both use one instance, which is what one process sees.
 */
const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
});

type Pair = { name: string; make: () => Promise<[Store, Store]> };
const pairs: Pair[] = [
  {
    name: "memory",
    make: async () => {
      const s = new MemoryStore();
      return [s, s];
    },
  },
];
if (realRedis)
  pairs.push({
    name: "redis",
    make: async () => {
      const prefix = `keel:test:shared:${randomUUID()}:`;
      const a = await RedisStore.connect(process.env.REDIS_URL!, prefix);
      const b = await RedisStore.connect(process.env.REDIS_URL!, prefix);
      opened.push(a, b);
      return [a, b];
    },
  });

const GAP = 60_000;
/** Waits sorted, as multiples of the gap (rounded): what each send was told to wait for. */
const slots = (waits: number[]) => [...waits].sort((x, y) => x - y).map((w) => Math.round(w / GAP));

describe.each(pairs)("per-address pacing shared by replicas ($name store)", ({ make }) => {
  it("twelve sends to one address from two replicas get twelve distinct slots one gap apart", async () => {
    const [a, b] = await make();
    const waits = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).pace("pace:slack:C0SALES", GAP)),
    );
    expect(slots(waits)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("different addresses do not wait for each other", async () => {
    const [a, b] = await make();
    const waits = await Promise.all([
      a.pace("pace:whatsapp:+4915100000001", GAP),
      b.pace("pace:whatsapp:+4915100000002", GAP),
      a.pace("pace:whatsapp:+4915100000003", GAP),
    ]);
    expect(waits).toEqual([0, 0, 0]);
  });

  it("a contact paced by replica A is paced for replica B too (WhatsApp ContactPacer)", async () => {
    const [a, b] = await make();
    const contact = `+49151${Math.floor(Math.random() * 1e7)}`;
    await new ContactPacer(GAP, a).wait(contact); // A sends now
    // B's next send to that contact is a whole gap away (gap 0: look without reserving more).
    const next = await b.pace(`pace:whatsapp:${contact}`, 0);
    expect(Math.round(next / GAP)).toBe(1);
  });

  it("an idle address forgets its slot: the next send goes at once", async () => {
    const [a, b] = await make();
    expect(await a.pace("pace:slack:Cidle", 20)).toBe(0);
    await new Promise((r) => setTimeout(r, 1_100)); // slot + 1 s of memory
    expect(await b.pace("pace:slack:Cidle", 20)).toBe(0);
    expect(await b.ttl("pace:slack:Cidle")).toBeGreaterThan(0);
  });

  it("an outbox send to a channel and a direct answer in it take turns in one queue of slots", async () => {
    const [a, b] = await make();
    const waits = [
      await a.pace("pace:slack:C0MIXED", GAP),
      await b.pace("pace:slack:C0MIXED", GAP),
      await a.pace("pace:slack:C0MIXED", GAP),
    ];
    expect(slots(waits)).toEqual([0, 1, 2]);
  });
});

describe("the in-process store paces like Redis (same semantics, own clock)", () => {
  it("slots follow the clock exactly; a slot in the past is not kept", async () => {
    let now = 1_000_000;
    const s = new MemoryStore(() => now);
    expect(await s.pace("k", 100)).toBe(0);
    expect(await s.pace("k", 100)).toBe(100);
    now += 50;
    expect(await s.pace("k", 100)).toBe(150);
    now += 10_000;
    expect(await s.pace("k", 100)).toBe(0);
  });
});

describe.runIf(realRedis)("Redis down: pacing falls back, nothing fails", () => {
  it("a pacer whose Redis connection is gone paces this process alone and logs it once", async () => {
    const dead = await RedisStore.connect(process.env.REDIS_URL!, `keel:test:dead:${randomUUID()}:`);
    await dead.close();
    const lines: { msg: string }[] = [];
    const logger = {
      warn: (_o: unknown, msg: string) => lines.push({ msg }),
      info: (_o: unknown, msg: string) => lines.push({ msg }),
    } as unknown as ConstructorParameters<typeof SharedPacer>[3];
    const pacer = new SharedPacer(dead, "pace:slack:", GAP, logger);
    const waits = [await pacer.reserve("C1"), await pacer.reserve("C1"), await pacer.reserve("C2")];
    expect(slots(waits)).toEqual([0, 0, 1]);
    expect(waits[2]).toBe(0); // C2 is another address
    expect(lines.filter((l) => /store unreachable/.test(l.msg))).toHaveLength(1);
  });
});

describe.each(pairs)("LLM provider state shared by replicas ($name store)", ({ make }) => {
  const provider = (shared: Store) =>
    new ResilientProvider("openai", {
      timeoutMs: 2_000,
      breakerThreshold: 10,
      breakerFailureRate: 0.9,
      breakerWindowMs: 30_000,
      halfOpenAfterMs: 60_000,
      hedgeAfterMs: 0,
      retries: 1,
      retryBaseMs: 1,
      retryAfterMaxMs: 5_000,
      now: () => Date.now(),
      shared,
    });

  it("a long Retry-After seen by replica A keeps replica B away from the provider too", async () => {
    const [sa, sb] = await make();
    const a = provider(sa);
    const b = provider(sb);
    await expect(
      a.run(
        () => Promise.reject(new LlmError("rate_limited", "429", { retryAfterMs: 120_000 })),
        new AttemptBudget(3),
      ),
    ).rejects.toMatchObject({ subCode: "rate_limited" });
    await new Promise((r) => setTimeout(r, 50)); // the publish is not awaited on the request path
    let called = 0;
    await expect(
      b.run(() => {
        called++;
        return Promise.resolve("x");
      }, new AttemptBudget(3)),
    ).rejects.toMatchObject({ subCode: "rate_limited" });
    expect(called).toBe(0);
  });
});

describe("API rate limits and intent de-duplication across two replicas", () => {
  let d: TestDeps;
  let replicas: [TestDeps, TestDeps];
  beforeAll(async () => {
    let sa: Store;
    let sb: Store;
    if (realRedis) {
      const prefix = `keel:test:api:${randomUUID()}:`;
      sa = await RedisStore.connect(process.env.REDIS_URL!, prefix);
      sb = await RedisStore.connect(process.env.REDIS_URL!, prefix);
      opened.push(sb);
    } else {
      sa = new MemoryStore();
      sb = sa;
    }
    d = await createTestDeps({}, { store: sa });
    await loadDemo(d);
    replicas = [d, { ...d, store: sb }];
  });
  afterAll(() => d?.cleanup());

  it("a token's per-minute limit is counted once over both replicas (5 allowed, 6th refused on either)", async () => {
    const limited = replicas.map((r) =>
      createHttpApp({ ...r, config: { ...r.config, http: { ...r.config.http, apiRateLimit: 5 } } }),
    );
    const demo = (await requireTenant(d.db, "demo")).id;
    const { token } = await createApiToken(d, demo, { email: "owner@demo.example", scopes: ["deals:read"] });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await call(limited[i % 2]!, "GET", "/api/v1/deals?limit=1", { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it.runIf(realRedis)("Redis gone: /readyz says unavailable (503) and names the store", async () => {
    const dead = await RedisStore.connect(process.env.REDIS_URL!, `keel:test:gone:${randomUUID()}:`);
    await dead.close();
    const res = await createHttpApp({ ...d, store: dead }).request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: "unavailable",
      checks: { store: "down", database: "ok" },
    });
  });

  it("the same intent delivered to both replicas is handled once; the second gets the first reply", async () => {
    const demo = await requireTenant(d.db, "demo");
    const owner = await actorForIdentity(d.db, demo.id, "slack", "U0OWNER");
    const intent = makeIntent(
      { kind: "help" },
      { tenantId: demo.id, userId: owner!.userId, channel: "slack", conversationId: "C0SALES" },
      `slack:Ev${randomUUID()}`,
    );
    const [ra, rb] = [createDispatcher(replicas[0], registry), createDispatcher(replicas[1], registry)];
    const first = await ra.dispatch(intent);
    const second = await rb.dispatch(intent);
    expect(first.outcome?.kind).not.toBe("duplicate");
    expect(second).toEqual(first);
  });
});
