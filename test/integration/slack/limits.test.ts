import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createHarness, type Harness, SIGNING_SECRET, sign } from "./harness.js";

const lines: string[] = [];
const logger = createLogger({ level: "info", destination: { write: (s: string) => void lines.push(s) } });
const logged = (msg: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

let h: Harness;
let server: ReturnType<typeof serve>;
let port = 0;
beforeAll(async () => {
  h = await createHarness({ logger });
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: h.http.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
}, 240_000);
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await h?.close();
});

const MB = 1024 * 1024;

/**
 * Streams `totalBytes` to /slack/events over a real socket (chunked, no Content-Length unless given)
 * and samples this process's RSS while the server handles it. The body is never held in memory by
 * the sender: one 64 KiB chunk is written over and over.
 */
async function bigPost(totalBytes: number, headers: Record<string, string>) {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const rssBefore = process.memoryUsage().rss;
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }, 20);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "ECONNRESET" && e.code !== "EPIPE") reject(e);
      });
      let sent = 0;
      const pump = () => {
        while (sent < totalBytes && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    return { status, growthMb: (rssMax - rssBefore) / MB };
  } finally {
    clearInterval(sampler);
  }
}

describe("body limits on /slack/events", () => {
  it("an unsigned 100 MB post is refused before its body is read; memory stays flat", async () => {
    const r = await bigPost(100 * MB, { "content-type": "application/json" });
    expect(r.status).toBe(401);
    expect(r.growthMb).toBeLessThan(48);
    expect(logged("slack request rejected").at(-1)).toMatchObject({ reason: "missing_headers" });
  });

  it("a 100 MB post with signature headers is cut off at 1 MiB with 413", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const r = await bigPost(100 * MB, {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, "whatever"),
    });
    expect(r.status).toBe(413);
    expect(r.growthMb).toBeLessThan(48);
    expect(logged("slack request rejected").at(-1)).toMatchObject({ reason: "body_too_large" });
  });

  it("a declared Content-Length over 1 MiB is refused without reading", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await h.http.request("/slack/events", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(600 * MB),
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": sign(SIGNING_SECRET, ts, ""),
      },
      body: "{}",
    });
    expect(res.status).toBe(413);
  });

  it("a stale timestamp is refused before reading the body", async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const r = await bigPost(20 * MB, {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(old),
      "x-slack-signature": sign(SIGNING_SECRET, old, ""),
    });
    expect(r.status).toBe(401);
  });

  it("every other route has a 1 MiB cap too", async () => {
    const res = await h.http.request("/anything", { method: "POST", body: "x".repeat(2 * MB) });
    expect(res.status).toBe(413);
    expect(logged("request body too large").length).toBeGreaterThan(0);
  });
});

describe("correctly signed but malformed bodies", () => {
  const cases: [string, string, string][] = [
    ["JSON null", "null", "application/json"],
    [
      "event: null",
      JSON.stringify({ type: "event_callback", event_id: "Ev1", event: null }),
      "application/json",
    ],
    [
      "event without a type",
      JSON.stringify({ type: "event_callback", event_id: "Ev2", event: {} }),
      "application/json",
    ],
    ["a JSON array", "[1,2]", "application/json"],
    ["a JSON string", '"hello"', "application/json"],
    ["broken JSON", '{"type":', "application/json"],
    ["payload=null", "payload=null", "application/x-www-form-urlencoded"],
    ["payload with broken JSON", "payload=%7B%22type", "application/x-www-form-urlencoded"],
    ["a form with no command or type", "team_id=T0DEMO&text=hi", "application/x-www-form-urlencoded"],
    [
      "url_verification without a challenge",
      JSON.stringify({ type: "url_verification" }),
      "application/json",
    ],
  ];
  for (const [name, body, contentType] of cases)
    it(`${name} → 400 and a log line`, async () => {
      const before = logged("slack request malformed").length;
      const { res } = await h.post(body, contentType);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("malformed");
      expect(logged("slack request malformed").length).toBe(before + 1);
    });
});

describe("a slow Slack Web API never holds an ack", () => {
  it("commands and events are acked by the listener before auth.test answers, and answered after", async () => {
    // A fresh single-workspace runtime has not called auth.test yet: the first request used to wait on it.
    const fresh = await createHarness({ logger, timeoutMs: 5_000 });
    try {
      fresh.api.failNext("auth.test", { hangMs: 2_000 });
      const acked: number[] = [];
      const usage = await fresh.command("/deal", "");
      acked.push(Date.now());
      expect(usage.res.status).toBe(200);
      expect(await usage.res.text()).toContain("Usage");
      const cmd = await fresh.command("/keel", "deals");
      acked.push(Date.now());
      expect(cmd.res.status).toBe(200);
      const ev = await fresh.event({
        type: "app_mention",
        user: "U0OWNER",
        text: "<@UKEELBOT> deals",
        ts: "1700000500.000100",
        channel: "C0SALES",
        event_ts: "1700000500.000100",
      });
      acked.push(Date.now());
      expect(ev.res.status).toBe(200);
      await fresh.runtime.idle();
      const authAnswered = fresh.api.callsTo("auth.test")[0]!.answeredAt!;
      // Ordering, not a time budget: every ack was out before Slack answered auth.test.
      for (const at of acked) expect(at).toBeLessThan(authAnswered);
      expect(logged("slack listener did not ack in time; answered 200")).toHaveLength(0);
      expect(JSON.stringify(fresh.api.responsesFor(cmd.responseId))).toContain("Acme");
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
