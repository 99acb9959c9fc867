import { createHmac, randomUUID } from "node:crypto";
import type { Hono } from "hono";
import type { Keel } from "../../../src/app.js";
import { createSlackRuntime, type SlackRuntime } from "../../../src/bots/slack/runtime.js";
import { loadConfig } from "../../../src/config.js";
import type { Logger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";

export const SIGNING_SECRET = "test-signing-secret-0123456789";
export const BOT_TOKEN = "xoxb-test-demo";

export interface Harness {
  deps: TestDeps;
  keel: Keel;
  api: FakeSlackApi;
  runtime: SlackRuntime;
  http: Hono;
  /** Sends a signed request like Slack does; returns the response and how long the ack took. */
  post(
    body: string,
    contentType: string,
    headers?: Record<string, string>,
  ): Promise<{ res: Response; ms: number }>;
  command(
    command: string,
    text: string,
    user?: string,
    extra?: Record<string, string>,
  ): Promise<{ res: Response; ms: number; responseId: string }>;
  event(
    event: Record<string, unknown>,
    opts?: { eventId?: string; team?: string; headers?: Record<string, string> },
  ): Promise<{ res: Response; ms: number }>;
  interact(payload: Record<string, unknown>): Promise<{ res: Response; ms: number }>;
  close(): Promise<void>;
}

/** v0 signature over `v0:timestamp:body`, computed here independently of the code under test. */
export function sign(secret: string, ts: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Where log lines go (default: the test logger, silent). */
  logger?: Logger;
  /** SLACK_BOT_TOKEN value (default BOT_TOKEN). */
  botTokenValue?: string;
  /** Web API request timeout. */
  timeoutMs?: number;
  oauth?: boolean;
  botToken?: boolean;
  demo?: boolean;
}

/**
 * The real thing on the demo company: migrated database (PGlite or real Postgres), real dispatcher,
 * Slack runtime on the hono app, Web API calls going to a local fake Slack.
 */
export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const api = await new FakeSlackApi().start();
  const deps = await createTestDeps(
    { KEEL_SECRET: "test-keel-secret-0123456789", ...(opts.env ?? {}) },
    opts.logger ? { logger: opts.logger } : {},
  );
  if (opts.demo !== false) await loadDemo(deps);
  const dispatcher = createDispatcher(deps, registry);
  const keel: Keel = { deps, dispatcher, close: async () => {} };
  const settings = loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.url,
    ...(opts.botToken === false
      ? {}
      : { SLACK_BOT_TOKEN: opts.botTokenValue ?? BOT_TOKEN, SLACK_TENANT: "demo" }),
    ...(opts.oauth
      ? {
          SLACK_CLIENT_ID: "111.222",
          SLACK_CLIENT_SECRET: "client-secret",
          SLACK_STATE_SECRET: "state-secret-0123456789",
        }
      : {}),
  }).slack;
  const runtime = createSlackRuntime(keel, settings, {
    paceMs: 5,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  deps.channels.set("slack", runtime.adapter);
  const http = createHttpApp(deps, [(app) => runtime.mount(app)]) as unknown as Hono;
  const post = async (body: string, contentType: string, headers: Record<string, string> = {}) => {
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await http.request("/slack/events", {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": sign(SIGNING_SECRET, ts, body),
        ...headers,
      },
      body,
    });
    return { res, ms: performance.now() - started };
  };
  return {
    deps,
    keel,
    api,
    runtime,
    http,
    post,
    async command(command, text, user = "U0OWNER", extra = {}) {
      const responseId = randomUUID();
      const form = new URLSearchParams({
        token: "legacy",
        team_id: "T0DEMO",
        team_domain: "demo",
        channel_id: "C0SALES",
        channel_name: "sales",
        user_id: user,
        user_name: user.toLowerCase(),
        command,
        text,
        api_app_id: "A0KEEL",
        is_enterprise_install: "false",
        response_url: api.responseUrl(responseId),
        trigger_id: `trig-${randomUUID()}`,
        ...extra,
      });
      const r = await post(form.toString(), "application/x-www-form-urlencoded");
      return { ...r, responseId };
    },
    async event(event, o = {}) {
      const body = JSON.stringify({
        token: "legacy",
        team_id: o.team ?? "T0DEMO",
        api_app_id: "A0KEEL",
        type: "event_callback",
        event_id: o.eventId ?? `Ev${randomUUID().slice(0, 8)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          { team_id: o.team ?? "T0DEMO", user_id: "UKEELBOT", is_bot: true, is_enterprise_install: false },
        ],
        event,
      });
      return post(body, "application/json", o.headers);
    },
    async interact(payload) {
      return post(
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        "application/x-www-form-urlencoded",
      );
    },
    async close() {
      await runtime.stop();
      await api.stop();
      await deps.cleanup();
    },
  };
}

/** A block_actions payload for a click on a button shown in a message. */
export function clickPayload(o: {
  user: string;
  value: string;
  actionId?: string;
  responseId: string;
  api: FakeSlackApi;
  blocks?: unknown[];
  channel?: string;
  messageTs?: string;
}) {
  return {
    type: "block_actions",
    team: { id: "T0DEMO", domain: "demo" },
    user: { id: o.user, username: o.user.toLowerCase(), team_id: "T0DEMO" },
    api_app_id: "A0KEEL",
    token: "legacy",
    container: {
      type: "message",
      message_ts: o.messageTs ?? "1700000000.000100",
      channel_id: o.channel ?? "C0SALES",
      is_ephemeral: false,
    },
    trigger_id: `trig-${randomUUID()}`,
    channel: { id: o.channel ?? "C0SALES", name: "sales" },
    message: {
      type: "message",
      ts: o.messageTs ?? "1700000000.000100",
      text: "draft",
      blocks: o.blocks ?? [],
    },
    response_url: o.api.responseUrl(o.responseId),
    actions: [
      {
        type: "button",
        action_id: o.actionId ?? "keel:approve:0",
        block_id: "keel-actions-0",
        value: o.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

/** Button values by label from recorded blocks. */
export function buttons(blocks: unknown[] | undefined): Record<string, { value: string; action_id: string }> {
  const out: Record<string, { value: string; action_id: string }> = {};
  for (const b of (blocks ?? []) as {
    type: string;
    elements?: { type: string; text?: { text: string }; value: string; action_id: string }[];
  }[]) {
    if (b.type !== "actions") continue;
    for (const e of b.elements ?? [])
      if (e.type === "button" && e.text) out[e.text.text] = { value: e.value, action_id: e.action_id };
  }
  return out;
}

/** Appends a figure to the shared ack results file and prints it. */
export function recordAck(name: string, ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  console.log(
    `[slack ack] ${name}: n=${ms.length} p50=${p(0.5).toFixed(1)}ms max=${(sorted.at(-1) ?? 0).toFixed(1)}ms`,
  );
}
