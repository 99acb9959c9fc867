import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const target = (key: string, address = "C0OUT") => ({
  channel: "slack" as const,
  address,
  idempotencyKey: key,
});

describe("outbound delivery", () => {
  it("honours 429 Retry-After and then posts once", async () => {
    h.api.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const started = Date.now();
    const res = await h.runtime.adapter.send(target("outbox-429"), { text: "Hello after a rate limit" });
    const posts = h.api.callsTo("chat.postMessage").filter((c) => c.params.channel === "C0OUT");
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(res.messageIds).toHaveLength(1);
    console.log(`[slack outbound] 429 with Retry-After: 1 → delivered after ${Date.now() - started} ms`);
  });

  it("the same outbox id is posted once, even when the first outcome was lost", async () => {
    const first = await h.runtime.adapter.send(target("outbox-once", "C0ONCE"), { text: "only once" });
    const again = await h.runtime.adapter.send(target("outbox-once", "C0ONCE"), { text: "only once" });
    expect(again.messageIds).toEqual(first.messageIds);
    // Lost outcome: the post went out but "done" was never recorded (crash between the two).
    await h.deps.store.set("slack:outbox-sent:outbox-once", "started");
    const third = await h.runtime.adapter.send(target("outbox-once", "C0ONCE"), { text: "only once" });
    expect(third.messageIds).toEqual(first.messageIds);
    expect(h.api.callsTo("chat.postMessage").filter((c) => c.params.channel === "C0ONCE")).toHaveLength(1);
    expect(
      h.api.callsTo("chat.postMessage").find((c) => c.params.channel === "C0ONCE")!.params.metadata,
    ).toEqual({ event_type: "keel_outbox", event_payload: { outbox_id: "outbox-once", part: 0 } });
  });

  it("a Slack error fails the delivery so the outbox retries it", async () => {
    h.api.failNext("chat.postMessage", { error: "channel_not_found" });
    await expect(h.runtime.adapter.send(target("outbox-err", "C0GONE"), { text: "x" })).rejects.toThrow(
      /channel_not_found/,
    );
  });

  it("paces posts to one channel and splits a long reply into several messages, each within limits", async () => {
    const long = Array.from(
      { length: 600 },
      (_, i) => `${i}: revenue grew in the north region while margins held steady.`,
    ).join("\n");
    const res = await h.runtime.adapter.send(target("outbox-long", "C0LONG"), {
      text: long,
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: String(i) })),
    });
    const posts = h.api.callsTo("chat.postMessage").filter((c) => c.params.channel === "C0LONG");
    expect(res.messageIds.length).toBe(posts.length);
    expect(posts.length).toBeGreaterThan(2);
    for (const p of posts) {
      const blocks = p.params.blocks as { type: string; text?: { text: string }; fields?: unknown[] }[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) {
        if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
        if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
      }
      expect(String(p.params.text).length).toBeGreaterThan(0);
    }
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at).toBeGreaterThanOrEqual(posts[i - 1]!.at);
  });

  it("uploads a chart image with files.uploadV2 next to the text", async () => {
    const png = Buffer.from("89504e470d0a1a0a", "hex").toString("base64");
    await h.runtime.adapter.send(target("outbox-chart", "C0CHART"), {
      text: "Forecast",
      image: { pngBase64: png, alt: "revenue forecast" },
    });
    expect(h.api.callsTo("files.getUploadURLExternal")).toHaveLength(1);
    expect(h.api.callsTo("files.completeUploadExternal").at(-1)!.params.channel_id).toBe("C0CHART");
  });
});
