import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { createSlackRuntime, type SlackRuntime } from "../../../src/bots/slack/runtime.js";
import { loadConfig } from "../../../src/config.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";

/**
 * Socket Mode over a real WebSocket: apps.connections.open on the fake Web API hands out a local
 * ws:// URL; the fake sends Slack's hello and envelopes, and reads the acks the client sends back.
 */
let deps: TestDeps;
let api: FakeSlackApi;
let wss: WebSocketServer;
let runtime: SlackRuntime;
let socket: WebSocket;
const acks: { envelope_id: string; payload?: unknown }[] = [];

beforeAll(async () => {
  api = await new FakeSlackApi().start();
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  api.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  const connected = new Promise<void>((resolve) =>
    wss.on("connection", (ws) => {
      socket = ws;
      ws.on("message", (raw) => acks.push(JSON.parse(String(raw)) as { envelope_id: string }));
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "local", approximate_connection_time: 3600 },
          connection_info: { app_id: "A0KEEL" },
        }),
      );
      resolve();
    }),
  );
  deps = await createTestDeps({ KEEL_SECRET: "test-keel-secret-0123456789" });
  await loadDemo(deps);
  const settings = loadConfig({
    SLACK_APP_TOKEN: "xapp-1-test",
    SLACK_BOT_TOKEN: "xoxb-test-demo",
    SLACK_API_URL: api.url,
    SLACK_TENANT: "demo",
  }).slack;
  expect(settings.mode).toBe("socket");
  runtime = createSlackRuntime(
    { deps, dispatcher: createDispatcher(deps, registry), close: async () => {} },
    settings,
    { paceMs: 5 },
  );
  deps.channels.set("slack", runtime.adapter);
  await runtime.start();
  await connected;
});

afterAll(async () => {
  await runtime?.stop().catch(() => {});
  wss?.close();
  await api?.stop();
  await deps?.cleanup();
});

async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("Socket Mode", () => {
  it("opens the connection with the app token", () => {
    expect(api.callsTo("apps.connections.open")[0]!.token).toBe("xapp-1-test");
  });

  it("acks a slash command envelope and answers through response_url", async () => {
    const started = performance.now();
    socket.send(
      JSON.stringify({
        envelope_id: "env-cmd-1",
        type: "slash_commands",
        accepts_response_payload: true,
        payload: {
          team_id: "T0DEMO",
          channel_id: "C0SALES",
          user_id: "U0OWNER",
          command: "/deal",
          text: "Acme",
          response_url: api.responseUrl("socket-cmd"),
          trigger_id: "trig-socket-1",
          api_app_id: "A0KEEL",
        },
      }),
    );
    await until(() => acks.find((a) => a.envelope_id === "env-cmd-1"));
    console.log(`[slack ack] socket mode slash command: ${(performance.now() - started).toFixed(1)}ms`);
    const answer = await until(() => api.responsesFor("socket-cmd")[0]);
    expect(String(answer.body.text)).toContain("Acme Logistics");
  });

  it("a retried event envelope is processed once", async () => {
    const envelope = (n: number) =>
      JSON.stringify({
        envelope_id: `env-ev-${n}`,
        type: "events_api",
        retry_attempt: n,
        retry_reason: n ? "timeout" : "",
        accepts_response_payload: false,
        payload: {
          team_id: "T0DEMO",
          api_app_id: "A0KEEL",
          type: "event_callback",
          event_id: "EvSOCKET1",
          event_time: 1,
          authorizations: [
            { team_id: "T0DEMO", user_id: "UKEELBOT", is_bot: true, is_enterprise_install: false },
          ],
          event: {
            type: "app_mention",
            user: "U0OWNER",
            text: "<@UKEELBOT> deals",
            ts: "1700002000.000100",
            channel: "C0SALES",
            event_ts: "1700002000.000100",
          },
        },
      });
    socket.send(envelope(0));
    socket.send(envelope(1));
    await until(() =>
      acks.filter((a) => a.envelope_id.startsWith("env-ev-")).length === 2 ? true : undefined,
    );
    await runtime.idle();
    await until(() => api.callsTo("chat.update").find((c) => c.params.channel === "C0SALES"));
    await runtime.idle();
    expect(
      api.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === "1700002000.000100"),
    ).toHaveLength(1);
  });
});
