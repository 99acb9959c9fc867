import { type ChildProcess, spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import { enqueue } from "../../src/core/features/outbox/index.js";
import { outbox, tenants } from "../../src/core/infra/db/schema/index.js";
import type { TestDeps } from "./deps.js";
import type { FakeSlackApi } from "./fake-slack-api.js";
import { workerArgs } from "./workers.js";

/**
 * Two outbox dispatcher processes; kill -9 the one that took a message while Slack holds its post,
 * and see what happens to the message: how long until the other records it sent, and how many times
 * it reached the channel.
 * Shared by test/integration/jobs/outbox-lease.test.ts (asserts recovery, once) and
 * bench/jobs/outbox-recovery.ts (records the seconds).
 */
export interface CrashOutcome {
  /** Seconds from the kill to the row recorded sent by the second worker. */
  recoverySeconds: number;
  /** Messages in the channel carrying this outbox id. */
  posts: number;
  status: string;
  attempts: number;
}

export function startWorker(
  env: Record<string, string>,
  workersDir?: string,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, workerArgs("outbox-worker", workersDir), {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      out += c;
      if (out.includes("ready")) resolve();
    });
    child.stderr!.on("data", (c) => (out += c));
    child.on("exit", (code, signal) =>
      reject(new Error(`worker exited ${code ?? signal}: ${out.slice(-2000)}`)),
    );
  });
  ready.catch(() => {});
  return { child, ready };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, limitMs: number): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function outboxCrashRound(
  d: TestDeps,
  api: FakeSlackApi,
  /** workersDir: the bundled workers (test/support/workers.ts); unset: tsx on the source. */
  opts: { slug: string; redis: boolean; workersDir?: string },
): Promise<CrashOutcome> {
  const [t] = await d.db.orm.select().from(tenants).where(eq(tenants.slug, opts.slug));
  const tenantId = t!.id;
  const env = (token: string): Record<string, string> => ({
    ...d.env,
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: "lease-test-signing-secret",
    SLACK_API_URL: api.url,
    SLACK_TENANT: opts.slug,
    ...(opts.redis ? {} : { REDIS_URL: "" }),
  });
  // Two replicas, told apart by their bot tokens; whichever takes the message dies mid-send.
  const workers = new Map([
    ["xoxb-lease-a", startWorker(env("xoxb-lease-a"), opts.workersDir)],
    ["xoxb-lease-b", startWorker(env("xoxb-lease-b"), opts.workersDir)],
  ]);
  try {
    for (const w of workers.values()) await w.ready;
    // Slack takes the post and then holds the answer: the worker dies not knowing it went out.
    api.failNext("chat.postMessage", { hangMs: 120_000, acceptFirst: true });
    const before = api.callsTo("chat.postMessage").length;
    const dedupeKey = `crash-round:${Date.now()}:${Math.random()}`;
    await d.db.tenantTx(tenantId, (tx) =>
      enqueue(
        tx,
        {
          tenantId,
          dedupeKey,
          target: { channel: "slack", address: "C0LEASE" },
          payload: { text: "the report" },
        },
        new Date(),
      ),
    );
    const [row] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey)),
    );
    const id = row!.id;
    const post = await until(
      "the first post",
      async () => api.callsTo("chat.postMessage").slice(before)[0],
      60_000,
    );
    const victim = workers.get(post.token ?? "")!;
    const exited = new Promise((r) => victim.child.once("exit", r));
    victim.child.kill("SIGKILL");
    await exited;
    const killedAt = Date.now();
    const sent = await until(
      "the row recorded sent",
      async () => {
        const [r] = await d.db.tenantTx(tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.id, id)));
        return r?.status === "sent" ? r : undefined;
      },
      90_000,
    );
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    const posts = api.messages.filter((m) => m.metadata?.event_payload.outbox_id === id).length;
    return { recoverySeconds, posts, status: sent.status, attempts: sent.attempts };
  } finally {
    for (const w of workers.values()) {
      if (w.child.exitCode !== null || w.child.signalCode !== null) continue;
      const gone = new Promise((r) => w.child.once("exit", r));
      w.child.kill("SIGKILL");
      await gone;
    }
  }
}
