import { describe, expect, it } from "vitest";
import { readBytesCapped } from "../../../src/core/kernel/read-capped.js";

/** A byte stream of `n` chunks of `size` bytes that records how many were pulled and whether it was cancelled. */
function stream(n: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (seen.pulled === n) return ctrl.close();
      seen.pulled++;
      ctrl.enqueue(new Uint8Array(size).fill(seen.pulled));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

describe("readBytesCapped (Slack file downloads, WhatsApp media, request bodies)", () => {
  it("returns every byte of a stream within the cap", async () => {
    const { body, seen } = stream(3, 4);
    const bytes = await readBytesCapped(body, 12);
    expect([...bytes]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(seen.cancelled).toBe(false);
  });

  it("past the cap: stops reading, cancels the stream and answers a length over the cap", async () => {
    const { body, seen } = stream(100, 4);
    const bytes = await readBytesCapped(body, 10);
    expect(bytes.byteLength).toBe(12);
    expect(bytes.byteLength).toBeGreaterThan(10);
    expect(seen.pulled).toBeLessThan(100);
    expect(seen.cancelled).toBe(true);
  });
});
