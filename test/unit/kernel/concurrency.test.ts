import { describe, expect, it } from "vitest";
import { forEachLimit, limiter, mapLimit } from "../../../src/core/kernel/concurrency.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("concurrency helpers (one set, on p-limit)", () => {
  it("mapLimit keeps order and never exceeds the limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await tick(5 + (n % 3));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it("mapLimit passes the index and treats a limit below 1 as 1", async () => {
    let peak = 0;
    let inFlight = 0;
    const out = await mapLimit(["a", "b", "c"], 0, async (s, i) => {
      peak = Math.max(peak, ++inFlight);
      await tick(1);
      inFlight--;
      return `${i}${s}`;
    });
    expect(out).toEqual(["0a", "1b", "2c"]);
    expect(peak).toBe(1);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it("forEachLimit stops starting items once the signal aborts", async () => {
    const seen: number[] = [];
    const ac = new AbortController();
    await forEachLimit(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => {
        seen.push(n);
        if (n === 2) ac.abort();
        await tick(1);
      },
      ac.signal,
    );
    expect(seen).toEqual([1, 2]);
  });

  it("a failing item rejects the batch with its error", async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("boom 2");
        return n;
      }),
    ).rejects.toThrow("boom 2");
  });

  it("limiter runs FIFO and reports what waits", async () => {
    const limit = limiter(1);
    const order: string[] = [];
    const a = limit(async () => {
      await tick(2);
      order.push("a");
    });
    const b = limit(async () => {
      order.push("b");
    });
    expect(limit.pendingCount).toBe(1);
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
  });
});
