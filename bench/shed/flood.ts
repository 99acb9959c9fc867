/**
 * Load shedding under a Slack flood, in process (demo company, local Slack Web API, a local
 * OpenAI-compatible model that answers after 2 s). A burst of DMs from several people arrives at once;
 * the turn queue holds KEEL_TURNS_CONCURRENCY + KEEL_TURNS_QUEUE, the rest are shed. Measured: ack
 * times, time to the "busy" notice, time to the answer, and whether every turn was answered exactly
 * once (one bot message per thread, every inbox row answered). The recovery sweep runs every 2 s.
 *   npx tsx bench/shed/flood.ts [--burst 60] [--people 6]
 * Results: bench/results/shed.md (recorded, not asserted). DATABASE_URL/REDIS_URL set → real servers.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { BUSY_TEXT, THINKING_TEXT } from "../../src/bots/slack/turns.js";
import { inboundTurns } from "../../src/core/infra/db/schema/index.js";
import { inboxRecoveryJob } from "../../src/jobs/index.js";
import { createHarness } from "../../test/integration/slack/harness.js";
import { startFakeOpenAi } from "../../test/support/fake-openai-server.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { burst: { type: "string", default: "60" }, people: { type: "string", default: "6" } },
});
const BURST = Number(values.burst);
const PEOPLE = ["U0OWNER", "U0MANAGER", "U0REP1", "U0REP2", "U0FINANCE", "U0VIEWER"].slice(
  0,
  Number(values.people),
);
const MODEL_DELAY_MS = 2_000;
const ENV = {
  KEEL_TURNS_CONCURRENCY: "4",
  KEEL_TURNS_QUEUE: "8",
  KEEL_TURNS_PER_USER: "4",
  KEEL_SHED_RETRY_SECONDS: "2",
};

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};

async function main() {
  const openai = await startFakeOpenAi();
  openai.setDefault({ reply: "Your pipeline looks steady this month.", delayMs: MODEL_DELAY_MS });
  const h = await createHarness({
    env: { ...ENV, OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: "sk-bench", LLM_CACHE_TTL_SECONDS: "0" },
  });
  const t0 = Date.now();
  let seq = 1_700_300_000;
  const sent = Array.from({ length: BURST }, (_, i) => {
    const user = PEOPLE[i % PEOPLE.length]!;
    return { user, ts: `${++seq}.000100`, id: `Ev${randomUUID().slice(0, 8)}`, at: 0, ackMs: 0 };
  });
  await Promise.all(
    sent.map(async (s, i) => {
      s.at = Date.now();
      const r = await h.event(
        {
          type: "message",
          channel_type: "im",
          user: s.user,
          text: `how is my business doing? (${i})`,
          ts: s.ts,
          channel: `D${s.user}`,
          event_ts: s.ts,
        },
        { eventId: s.id },
      );
      s.ackMs = r.ms;
    }),
  );
  const ctx = () => ({
    now: new Date(),
    slot: new Date(),
    signal: new AbortController().signal,
    runner: "bench",
    claims: { add() {}, delete() {} },
    hooks: {},
    log: h.deps.logger,
  });
  const keys = new Set(sent.map((s) => `event:${s.id}`));
  for (let i = 0; i < 120; i++) {
    const rows = await h.deps.db.orm.select().from(inboundTurns).where(eq(inboundTurns.channel, "slack"));
    const pending = rows.filter((r) => keys.has(r.key) && r.status === "pending").length;
    if (!pending) break;
    await new Promise((r) => setTimeout(r, 2_000));
    await inboxRecoveryJob.run(h.deps, ctx());
  }
  await h.runtime.idle();
  const totalS = (Date.now() - t0) / 1000;
  const rows = await h.deps.db.orm.select().from(inboundTurns).where(eq(inboundTurns.channel, "slack"));
  const answered = rows.filter((r) => keys.has(r.key) && r.status === "answered").length;
  const busyMs: number[] = [];
  let exactlyOnce = 0;
  for (const s of sent) {
    const thread = h.api.messages.filter((m) => m.thread_ts === s.ts);
    const busy = h.api.calls.find(
      (c) =>
        c.method === "chat.postMessage" &&
        (c.params as { thread_ts?: string; text?: string }).thread_ts === s.ts &&
        (c.params as { text?: string }).text === BUSY_TEXT,
    );
    if (busy) busyMs.push(busy.at - s.at);
    const final = thread.filter((m) => m.text !== BUSY_TEXT && m.text !== THINKING_TEXT);
    if (thread.length === 1 && final.length === 1) exactlyOnce++;
  }
  const mine = rows.filter((r) => keys.has(r.key));
  const answerMs = mine
    .filter((r) => r.answeredAt)
    .map((r) => r.answeredAt!.getTime() - r.receivedAt.getTime());
  const shedCount =
    (await h.deps.metrics.queueShed.get()).values.find((v) => v.labels.queue === "slack_turns")?.value ?? 0;
  const acks = sent.map((s) => s.ackMs);
  const lines = [
    "# Load shedding under a Slack flood (`npm run bench:shed`)",
    "",
    `Run ${new Date().toISOString()} on ${h.deps.db.kind} + ${h.deps.store.kind} store; ${BURST} DMs from ${PEOPLE.length} people at once; model answers after ${MODEL_DELAY_MS} ms; ${Object.entries(
      ENV,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}; sweep every 2 s.`,
    "",
    "| measure | value |",
    "|---|---|",
    `| acks p50 / p99 / max | ${pct(acks, 0.5).toFixed(0)} / ${pct(acks, 0.99).toFixed(0)} / ${Math.max(...acks).toFixed(0)} ms |`,
    `| turns shed at the full queue | ${shedCount} (of ${BURST}; ${busyMs.length} busy notices — one per person per minute) |`,
    `| busy notice after receipt p50 / max | ${pct(busyMs, 0.5).toFixed(0)} / ${Math.max(0, ...busyMs).toFixed(0)} ms |`,
    `| answer after receipt p50 / p99 | ${(pct(answerMs, 0.5) / 1000).toFixed(1)} / ${(pct(answerMs, 0.99) / 1000).toFixed(1)} s |`,
    `| turns answered (inbox) | ${answered} / ${BURST} |`,
    `| threads with exactly one bot message (the answer) | ${exactlyOnce} / ${BURST} |`,
    `| all answered after | ${totalS.toFixed(1)} s |`,
    "",
  ];
  const out = join(HERE, "../results/shed.md");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join("\n"));
  console.log(lines.join("\n"));
  await h.close();
  await openai.close();
}

await main();
