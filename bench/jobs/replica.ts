/**
 * One replica of the digests benchmark, run in a worker thread: its own Deps (connection pool,
 * store) against the shared database, a no-op channel, and one fire of the `digests` job — what
 * each `keel start` replica does at 08:00.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import type { ChatAdapter } from "../../src/core/ports/chat-adapter.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { createScheduler, digestsJob } from "../../src/jobs/index.js";

const { env, now, runner } = workerData as { env: Record<string, string>; now: string; runner: string };
const deps = await createDeps(loadConfig(env), { clock: fixedClock(now), migrate: false });
let delivered = 0;
const sink: ChatAdapter = {
  channel: "slack",
  capabilities: {
    nativeButtons: true,
    maxButtons: 5,
    threads: true,
    maxTextLength: 12_000,
    markdown: "slack-mrkdwn",
    images: true,
  },
  send: async (t) => {
    delivered++;
    return { messageIds: [`bench:${t.idempotencyKey}`] };
  },
};
deps.channels.set("slack", sink);
parentPort!.once("message", async () => {
  const outcome = await createScheduler(deps, [digestsJob], { timers: false, runner }).fire("digests");
  await closeDeps(deps);
  parentPort!.postMessage({ outcome, delivered });
});
parentPort!.postMessage("ready");
