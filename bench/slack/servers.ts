/**
 * The two servers the ack benchmark compares, each started in its own child process:
 *  - keel: the real Slack runtime on the hono app, demo company, dispatcher slowed by SLOW_MS;
 *  - bare: a bare Bolt App on its own HTTPReceiver acking the same command, then sleeping SLOW_MS.
 * Both listen on 127.0.0.1 and send their port to the parent over IPC.
 */

import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { App, HTTPReceiver } from "@slack/bolt";
import type { Keel } from "../../src/app.js";
import { createSlackRuntime } from "../../src/bots/slack/runtime.js";
import { loadConfig } from "../../src/config.js";
import { createDispatcher, type Dispatcher } from "../../src/core/intents/dispatcher.js";
import { registry } from "../../src/core/registry.js";
import { loadDemo } from "../../src/demo/load.js";
import { createHttpApp } from "../../src/http/app.js";
import { createTestDeps } from "../../test/support/deps.js";

export const SIGNING_SECRET = "bench-signing-secret-0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts Keel on a fresh database (its own Postgres database when DATABASE_URL is set, else PGlite);
 *  returns the port and a cleanup that drops that database. */
export async function startKeelServer(
  apiUrl: string,
  slowMs: number,
): Promise<{ port: number; cleanup: () => Promise<void> }> {
  const deps = await createTestDeps({ LOG_LEVEL: "silent", KEEL_SECRET: "bench-keel-secret-0123456789" });
  await loadDemo(deps);
  const real = createDispatcher(deps, registry);
  // The slow path, artificially slow: every intent takes SLOW_MS before the real work.
  const slow: Dispatcher = {
    handles: real.handles,
    dispatch: async (i) => {
      await sleep(slowMs);
      return real.dispatch(i);
    },
  };
  const keel: Keel = { deps, dispatcher: slow, close: async () => {} };
  const settings = loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_API_URL: apiUrl,
    SLACK_TENANT: "demo",
  }).slack;
  const runtime = createSlackRuntime(keel, settings);
  deps.channels.set("slack", runtime.adapter);
  const app = createHttpApp(deps, [(a) => runtime.mount(a)]);
  const port = await new Promise<number>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve((s.address() as AddressInfo).port),
    );
  });
  // Let the slow paths still running finish before the database goes away.
  return {
    port,
    cleanup: async () => {
      await runtime.stop();
      await deps.cleanup();
    },
  };
}

export async function startBareBolt(apiUrl: string, slowMs: number): Promise<number> {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: "/slack/events" });
  const app = new App({
    token: "xoxb-bench",
    tokenVerificationEnabled: false,
    receiver,
    clientOptions: { slackApiUrl: apiUrl },
    logLevel: undefined,
  });
  app.command("/deal", async ({ ack, respond }) => {
    await ack();
    await sleep(slowMs);
    await respond({ response_type: "in_channel", text: "done" });
  });
  const server = (await app.start(0)) as unknown as { address(): AddressInfo };
  return server.address().port;
}
