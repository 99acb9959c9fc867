import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChannelPacer } from "../../../src/bots/slack/pacer.js";
import { verifyRequest } from "../../../src/bots/slack/verify.js";

const secret = "s3cret";
const sig = (ts: number, body: string) =>
  `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;

describe("verifyRequest", () => {
  const now = 1_800_000_000_000;
  const ts = now / 1000;
  it("accepts a good signature within the window (both edges)", () => {
    for (const t of [ts, ts - 300, ts + 300])
      expect(verifyRequest(secret, { signature: sig(t, "b"), timestamp: String(t) }, "b", now)).toEqual({
        ok: true,
      });
  });
  it("reports why it rejects", () => {
    expect(verifyRequest(secret, { timestamp: String(ts) }, "b", now)).toEqual({
      ok: false,
      reason: "missing_headers",
    });
    expect(
      verifyRequest(secret, { signature: sig(ts - 301, "b"), timestamp: String(ts - 301) }, "b", now),
    ).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(
      verifyRequest(secret, { signature: sig(ts + 301, "b"), timestamp: String(ts + 301) }, "b", now),
    ).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyRequest(secret, { signature: sig(ts, "c"), timestamp: String(ts) }, "b", now)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });
});

describe("ChannelPacer", () => {
  it("spaces posts to one channel and lets other channels through", async () => {
    const pacer = new ChannelPacer(40);
    const starts: Record<string, number[]> = { a: [], b: [] };
    const t0 = Date.now();
    await Promise.all([
      ...[1, 2, 3].map(() => pacer.run("a", async () => void starts.a!.push(Date.now() - t0))),
      pacer.run("b", async () => void starts.b!.push(Date.now() - t0)),
    ]);
    expect(starts.a![1]! - starts.a![0]!).toBeGreaterThanOrEqual(35);
    expect(starts.a![2]! - starts.a![1]!).toBeGreaterThanOrEqual(35);
    expect(starts.b![0]!).toBeLessThan(30);
  });

  it("keeps going after a failed post", async () => {
    const pacer = new ChannelPacer(1);
    await expect(pacer.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(pacer.run("a", async () => 42)).resolves.toBe(42);
  });
});
