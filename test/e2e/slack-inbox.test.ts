import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATE_TEXT, THINKING_TEXT } from "../../src/bots/slack/turns.js";
import { loadDemo } from "../../src/demo/load.js";
import { sign } from "../integration/slack/harness.js";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";
import { FakeSlackApi } from "../support/fake-slack-api.js";

/**
 * The reproduction, end to end: `keel start` (the real binary, a subprocess) on the demo
 * company with Slack in HTTP mode against a local Slack Web API. Five DMs are acknowledged; 0.7 s
 * later the process is killed with SIGKILL; it is started again and Slack's retries of the five
 * events arrive. Every DM must be answered exactly once and no "thinking…" placeholder may be left.
 * Needs real Postgres (two processes in turn share the database).
 */
const BIN = join(import.meta.dirname, "../../bin/keel.mjs");
const SECRET = "e2e-inbox-signing-secret-0123456789";

let d: TestDeps;
let api: FakeSlackApi;
let port = 0;
let keel: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** Starts `keel start` and resolves once it says it is running. */
async function startKeel(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "start"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: "warn",
      DATABASE_URL: d.env.DATABASE_URL!,
      MIGRATION_DATABASE_URL: d.env.MIGRATION_DATABASE_URL!,
      ...(d.env.REDIS_URL ? { REDIS_URL: d.env.REDIS_URL } : {}),
      PORT: String(port),
      SLACK_BOT_TOKEN: "xoxb-e2e-demo",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_TENANT: "demo",
      SLACK_API_URL: api.url,
      KEEL_SECRET: "e2e-keel-secret-0123456789",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      out += c;
      if (out.includes("Keel is running")) resolve();
    });
    child.stderr!.on("data", (c) => (out += c));
    child.once("exit", (code, signal) =>
      reject(new Error(`keel exited ${code ?? signal}: ${out.slice(-3000)}`)),
    );
  });
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

/** Posts a signed Events API envelope to the running Keel, as Slack does. */
async function deliver(body: string, headers: Record<string, string> = {}): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(SECRET, ts, body),
      ...headers,
    },
    body,
  });
  await res.body?.cancel();
  return res.status;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (!realPostgres) return;
  d = await createTestDeps();
  await loadDemo(d);
  api = await new FakeSlackApi().start();
  port = await freePort();
});
afterAll(async () => {
  if (keel) await kill9(keel);
  await api?.stop();
  await d?.cleanup();
});

describe.runIf(realPostgres)("Slack turns survive kill -9 of the Keel process", () => {
  it("five acknowledged DMs, kill -9 0.7 s later, restart, Slack retries → 5 of 5 answered once, no placeholder left", async () => {
    keel = await startKeel();
    // Slack is slow to take the answers: the process dies with every turn unanswered. Two
    // placeholders are taken by Slack but their ts never reaches Keel.
    api.failNext("chat.postMessage", ...[1, 2].map(() => ({ hangMs: 20_000, acceptFirst: true })));
    api.failNext("chat.update", ...[1, 2, 3, 4, 5].map(() => ({ hangMs: 20_000, dropIfGone: true })));
    const questions = ["deals", "invoices overdue", "deals stuck", "deal Acme", "help"];
    const envelopes = questions.map((text, i) => {
      const ts = `${1_700_200_000 + i}.000100`;
      return {
        ts,
        body: JSON.stringify({
          token: "legacy",
          team_id: "T0DEMO",
          api_app_id: "A0KEEL",
          type: "event_callback",
          event_id: `Ev${randomUUID().slice(0, 10)}`,
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [
            { team_id: "T0DEMO", user_id: "UKEELBOT", is_bot: true, is_enterprise_install: false },
          ],
          event: {
            type: "message",
            channel_type: "im",
            channel: "D0OWNER",
            user: "U0OWNER",
            text,
            ts,
            event_ts: ts,
          },
        }),
      };
    });
    const acks = await Promise.all(envelopes.map((e) => deliver(e.body)));
    expect(acks).toEqual([200, 200, 200, 200, 200]);
    await sleep(700);
    await kill9(keel);
    // Slack is healthy again for the restarted process (faults the first one did not reach are dropped).
    api.clearFailures();
    const pending = await d.db.rows<{ n: string }>(
      sql`select count(*) as n from inbound_turns where channel = 'slack' and status = 'pending'`,
    );
    expect(Number(pending[0]!.n)).toBe(5);

    keel = await startKeel();
    // Slack's retries of the five events (its first retry comes about a minute later in real life).
    const retries = await Promise.all(
      envelopes.map((e) =>
        deliver(e.body, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }),
      ),
    );
    expect(retries).toEqual([200, 200, 200, 200, 200]);
    // Answered by the retries or by the recovery sweep once the dead process's leases ran out.
    for (let waited = 0; ; waited += 500) {
      const left = await d.db.rows<{ n: string }>(
        sql`select count(*) as n from inbound_turns where channel = 'slack' and status = 'pending'`,
      );
      if (Number(left[0]!.n) === 0) break;
      if (waited > 180_000) throw new Error(`${left[0]!.n} turns still pending after 3 minutes`);
      await sleep(500);
    }
    // Slack's later retries change nothing.
    await Promise.all(
      envelopes.map((e) =>
        deliver(e.body, { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" }),
      ),
    );
    await sleep(1_000);
    for (const e of envelopes) {
      const texts = api.messages
        .filter((m) => m.channel === "D0OWNER" && m.thread_ts === e.ts)
        .map((m) => m.text ?? "");
      // One answer (a long one continues in more messages of the thread), none twice, no placeholder.
      expect(
        texts.filter((t) => t.includes(LATE_TEXT)),
        e.ts,
      ).toHaveLength(1);
      expect(texts[0], e.ts).toContain(LATE_TEXT);
      expect(texts).not.toContain(THINKING_TEXT);
      expect(new Set(texts).size, e.ts).toBe(texts.length);
    }
    expect(api.messages.filter((m) => m.text === THINKING_TEXT)).toHaveLength(0);
  }, 400_000);
});
