/**
 * An outbox dispatcher process for crash tests and the recovery benchmark: the real scheduler with
 * the `outbox-dispatch` job on its timers (every 5 s) and the Slack adapter on SLACK_API_URL, against
 * DATABASE_URL, with the system clock. Runs until killed; prints "ready" once the scheduler runs.
 *
 *   node --import tsx test/support/outbox-worker.ts   (env: DATABASE_URL, SLACK_*, REDIS_URL optional)
 */
import type { Keel } from "../../src/app.js";
import { createSlackRuntime } from "../../src/bots/slack/runtime.js";
import { loadConfig } from "../../src/config.js";
import { createDeps } from "../../src/core/deps.js";
import { createScheduler, outboxDispatchJob } from "../../src/jobs/index.js";

const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? "silent" });
const deps = await createDeps(config, { migrate: false });
const keel: Keel = {
  deps,
  dispatcher: { dispatch: async () => ({ text: "" }), handles: () => false },
  close: async () => {},
};
const slack = createSlackRuntime(keel, config.slack, { paceMs: 1, retryConfig: { retries: 0 } });
deps.channels.set("slack", slack.adapter);
const scheduler = createScheduler(deps, [outboxDispatchJob], { runner: `outbox-worker-${process.pid}` });
await scheduler.start();
process.stdout.write("ready\n");
setInterval(() => {}, 60_000);
