import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, SIGNING_SECRET, sign } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const body = new URLSearchParams({
  command: "/deal",
  text: "Acme",
  team_id: "T0DEMO",
  user_id: "U0OWNER",
  channel_id: "C0SALES",
  response_url: "http://127.0.0.1:9/none",
  trigger_id: "t1",
}).toString();

async function send(headers: Record<string, string>) {
  const before = h.api.calls.length;
  const intentsBefore = await h.deps.metrics.registry
    .getSingleMetricAsString("keel_intents_total")
    .catch(() => "");
  const res = await h.http.request("/slack/events", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  await h.runtime.idle();
  const intentsAfter = await h.deps.metrics.registry
    .getSingleMetricAsString("keel_intents_total")
    .catch(() => "");
  return { res, apiCalls: h.api.calls.length - before, intentsChanged: intentsBefore !== intentsAfter };
}

describe("request verification", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a correctly signed request (control)", async () => {
    const ts = now();
    const r = await send({
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, body),
    });
    expect(r.res.status).toBe(200);
    expect(r.intentsChanged).toBe(true);
  });

  it("rejects a forged signature with 401 and does no work", async () => {
    const ts = now();
    const r = await send({
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign("not-the-secret", ts, body),
    });
    expect(r.res.status).toBe(401);
    expect(r.apiCalls).toBe(0);
    expect(r.intentsChanged).toBe(false);
  });

  it("rejects a signature over a different body", async () => {
    const ts = now();
    const r = await send({
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, `${body}&x=1`),
    });
    expect(r.res.status).toBe(401);
  });

  it("rejects a timestamp more than five minutes old, even when correctly signed", async () => {
    const ts = now() - 301;
    const r = await send({
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, body),
    });
    expect(r.res.status).toBe(401);
    expect(r.apiCalls).toBe(0);
    expect(r.intentsChanged).toBe(false);
  });

  it("rejects a timestamp more than five minutes in the future, even when correctly signed", async () => {
    const ts = now() + 301;
    const r = await send({
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SIGNING_SECRET, ts, body),
    });
    expect(r.res.status).toBe(401);
    expect(r.apiCalls).toBe(0);
  });

  it("rejects missing headers", async () => {
    const ts = now();
    const variants: Record<string, string>[] = [
      {},
      { "x-slack-request-timestamp": String(ts) },
      { "x-slack-signature": sign(SIGNING_SECRET, ts, body) },
    ];
    for (const headers of variants) {
      const r = await send(headers);
      expect(r.res.status).toBe(401);
      expect(r.apiCalls).toBe(0);
      expect(r.intentsChanged).toBe(false);
    }
  });

  it("answers Slack's url_verification challenge only when signed", async () => {
    const challenge = JSON.stringify({ type: "url_verification", challenge: "abc123", token: "x" });
    const ok = await h.post(challenge, "application/json");
    expect(await ok.res.json()).toEqual({ challenge: "abc123" });
    const bad = await h.http.request("/slack/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: challenge,
    });
    expect(bad.status).toBe(401);
  });
});
