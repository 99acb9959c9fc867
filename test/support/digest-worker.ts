/**
 * A real digest worker process for crash tests: runs the `digests` job (claim → compose → enqueue →
 * deliver) and the outbox dispatcher once against DATABASE_URL, delivering to the Slack Web API at
 * SLACK_API_URL (the fake) or to an HTTP sink at SINK_URL, and SIGKILLs itself at
 * CRASH_AT = before-claim | after-claim | after-send | after-commit, on the CRASH_AFTER-th time.
 *
 *   node --import tsx test/support/digest-worker.ts   (env: DATABASE_URL, REDIS_URL, KEEL_NOW, …)
 */
import type { Keel } from "../../src/app.js";
import { createSlackRuntime } from "../../src/bots/slack/runtime.js";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import type { ChatAdapter } from "../../src/core/ports/chat-adapter.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { createScheduler, digestsJob, outboxDispatchJob } from "../../src/jobs/index.js";
import { HttpSinkAdapter } from "./http-sink.js";

const crashAt = process.env.CRASH_AT ?? "";
const crashAfter = Number(process.env.CRASH_AFTER ?? "1");
let seen = 0;
function point(name: string): void {
  if (name === crashAt && ++seen >= crashAfter) {
    process.stdout.write(`crash ${name} ${seen}\n`);
    process.kill(process.pid, "SIGKILL");
  }
}

const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? "silent" });
const deps = await createDeps(config, {
  clock: fixedClock(process.env.KEEL_NOW ?? new Date().toISOString()),
  migrate: false,
});
let adapter: ChatAdapter;
if (process.env.SINK_URL)
  adapter = new HttpSinkAdapter(process.env.SINK_URL, "slack", () => point("after-send"));
else {
  const settings = config.slack;
  const keel: Keel = {
    deps,
    dispatcher: { dispatch: async () => ({ text: "" }), handles: () => false },
    close: async () => {},
  };
  const slack: ChatAdapter = createSlackRuntime(keel, settings, {
    paceMs: 1,
    retryConfig: { retries: 0 },
  }).adapter;
  // The crash point sits after Slack accepted the post, before the outbox records it.
  adapter = {
    channel: "slack",
    capabilities: slack.capabilities,
    send: async (t, r) => {
      const res = await slack.send(t, r);
      point("after-send");
      return res;
    },
    ...(slack.alreadyDelivered
      ? {
          alreadyDelivered: (t: Parameters<ChatAdapter["send"]>[0], k: string) =>
            slack.alreadyDelivered!(t, k),
        }
      : {}),
  };
}
deps.channels.set("slack", adapter);
const scheduler = createScheduler(deps, [digestsJob, outboxDispatchJob], {
  timers: false,
  runner: `worker-${process.pid}`,
  hooks: { at: (p) => point(p) },
});
const digests = await scheduler.fire("digests");
const outbox = await scheduler.fire("outbox-dispatch");
process.stdout.write(`${JSON.stringify({ digests, outbox })}\n`);
await closeDeps(deps);
process.exit(0);
