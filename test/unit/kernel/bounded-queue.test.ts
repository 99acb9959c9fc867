import { describe, expect, it } from "vitest";
import { BoundedQueue, LatencyWindow } from "../../../src/core/kernel/bounded-queue.js";

/** The queue every stage's backpressure rests on: bound, fairness per key, FIFO, no leaks. */
const deferred = () => {
  let resolve!: () => void;
  const p = new Promise<void>((r) => {
    resolve = r;
  });
  return { p, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe("BoundedQueue", () => {
  it("runs at most `concurrency` at once, queues `maxQueued` more, refuses the next at once", async () => {
    const q = new BoundedQueue("t", { concurrency: 2, maxQueued: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((g) => q.tryRun(() => g.p));
    expect(runs.every((r) => r !== null)).toBe(true);
    await tick();
    expect([q.inFlight, q.depth, q.room()]).toEqual([2, 1, 0]);
    expect(q.tryRun(async () => "never")).toBeNull();
    for (const g of gates) g.resolve();
    await Promise.all(runs);
    expect([q.inFlight, q.depth, q.room()]).toEqual([0, 0, 3]);
  });

  it("starts waiting work in arrival order and never exceeds the concurrency, even with newcomers", async () => {
    const q = new BoundedQueue("t", { concurrency: 1, maxQueued: 10 });
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const job = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await tick();
      running--;
    };
    const all = [0, 1, 2, 3].map((i) => q.tryRun(job(i))!);
    await all[0];
    all.push(q.tryRun(job(4))!); // arrives while 1–3 wait
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(1);
  });

  it("one key holds at most `perKey` places; other keys still get in", async () => {
    const q = new BoundedQueue("t", { concurrency: 1, maxQueued: 10, perKey: 2 });
    const g = deferred();
    const a1 = q.reserve("alice");
    const a2 = q.reserve("alice");
    expect(q.reserve("alice")).toBeNull();
    const b1 = q.reserve("bob");
    expect(b1).not.toBeNull();
    const runs = [a1!.run(() => g.p), a2!.run(async () => {}), b1!.run(async () => {})];
    g.resolve();
    await Promise.all(runs);
    expect(q.reserve("alice")).not.toBeNull();
  });

  it("a cancelled reservation gives its place back; a reservation runs once", async () => {
    const q = new BoundedQueue("t", { concurrency: 1, maxQueued: 0, perKey: 1 });
    const r = q.reserve("k")!;
    expect(q.reserve("k")).toBeNull();
    r.cancel();
    expect(q.room()).toBe(1);
    const s = q.reserve("k")!;
    await s.run(async () => {});
    await expect(s.run(async () => {})).rejects.toThrow(/twice/);
  });

  it("a failing task frees its place (no leak) and its error reaches the caller", async () => {
    const q = new BoundedQueue("t", { concurrency: 1, maxQueued: 0 });
    await expect(q.tryRun(() => Promise.reject(new Error("boom")))!).rejects.toThrow("boom");
    expect([q.inFlight, q.depth, q.room()]).toEqual([0, 0, 1]);
  });

  it("`run` admits work whatever the length (the sweep checked `room()` already)", async () => {
    const q = new BoundedQueue("t", { concurrency: 1, maxQueued: 0 });
    const g = deferred();
    const first = q.tryRun(() => g.p)!;
    expect(q.tryRun(async () => 1)).toBeNull();
    const forced = q.run(async () => 2);
    expect(q.depth).toBe(1);
    g.resolve();
    expect(await forced).toBe(2);
    await first;
  });
});

describe("LatencyWindow", () => {
  it("reports the 90th percentile of the last minute and forgets older calls", () => {
    const w = new LatencyWindow(60_000);
    const t0 = 1_000_000;
    for (let i = 1; i <= 10; i++) w.add(i * 100, t0);
    expect(w.p90(t0)).toEqual({ p90Ms: 900, samples: 10 });
    w.add(50, t0 + 59_000);
    expect(w.p90(t0 + 61_000)).toEqual({ p90Ms: 50, samples: 1 });
    expect(w.p90(t0 + 200_000)).toEqual({ p90Ms: null, samples: 0 });
  });
});
