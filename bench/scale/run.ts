/**
 * Scale-out benchmark (`npm run bench:scale`): `keel start` replicas (built CLI) on real Postgres and
 * Redis behind a round-robin proxy, Slack events (signed) through the proxy, the model (a local
 * OpenAI-compatible server) answering after `--delay` ms. Four short runs (each ≤ ~2 min):
 *  A. 1 replica, Slack events offered above capacity for `--seconds`: acks and answered turns/s;
 *  B. the same with 3 replicas → the ratio B/A of answered turns per second (sustained);
 *  C. 3 replicas at 2× B's sustained rate: how many were answered, told "busy", or lost;
 *  D. 3 replicas at half B's rate with WhatsApp messages, digests and outbox alerts, one replica
 *     killed with SIGKILL halfway: every turn once, every digest once, every outbox message once,
 *     pacing kept (the invariants of the e2e test, recorded).
 * Also `keel start` RSS per replica and the machine's load average. Needs DATABASE_URL and REDIS_URL.
 * Results: bench/results/scale.md (+ scale.json), recorded, not asserted.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Cluster, percentile } from "./cluster.js";
import { type RunReport, verifyRun } from "./verify.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "12" },
    seconds: { type: "string", default: "30" },
    delay: { type: "string", default: "2000" },
    only: { type: "string" },
    /** B's sustained answered turns/s, when B is not run this time (C and D are sized from it). */
    sustained: { type: "string" },
    /** Inbound-turn queue per replica in run C (KEEL_TURNS_QUEUE), so 2× load overflows it within the run. */
    "c-queue": { type: "string", default: "20" },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const DELAY = Number(values.delay);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
const BUSY = /busy|queued|try again/i;

const QUESTIONS = [
  "what should I focus on this week to close more revenue?",
  "how are we doing on cash this quarter?",
  "which customers pay late and what should I do about it?",
  "wie läuft die pipeline diesen monat?",
  "what is the biggest risk in the pipeline right now?",
];
const COMMANDS = ["deals", "invoices overdue", "pipeline", "deals stuck"];

interface RunResult {
  name: string;
  replicas: number;
  offeredPerS: number;
  seconds: number;
  events: number;
  ackP50: number;
  ackP99: number;
  acksOver3s: number;
  firstNon200: number;
  answered: number;
  answeredPerS: number;
  answerP50: number;
  answerP99: number;
  busy: number;
  unanswered: number;
  duplicated: number;
  rssMb: (number | null)[];
  load: string;
  report?: RunReport;
  killedAfterS?: number;
}

/** Offers Slack events at `rate`/s for `seconds` (open loop), 80 % questions for the model. */
async function offer(
  c: Cluster,
  rate: number,
  seconds: number,
  extra?: (i: number) => void,
): Promise<number> {
  const n = Math.round(rate * seconds);
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    const text = i % 5 === 4 ? COMMANDS[i % COMMANDS.length]! : `${QUESTIONS[i % QUESTIONS.length]} (#${i})`;
    c.slackMessage({ text, mention: i % 2 === 0 });
    extra?.(i);
    const due = started + ((i + 1) * 1000) / rate;
    await sleep(Math.max(0, due - Date.now()));
  }
  return started;
}

async function drain(c: Cluster, maxMs: number, extra?: Parameters<typeof verifyRun>[1]): Promise<RunReport> {
  await c.settled();
  const end = Date.now() + maxMs;
  let r = await verifyRun(c, extra);
  while (
    Date.now() < end &&
    (r.slack.unanswered.length || r.slack.inboxNotAnswered || r.whatsapp.unreplied.length)
  ) {
    await sleep(2_000);
    r = await verifyRun(c, extra);
  }
  return r;
}

/** Turns told "busy" (shed: queued for later) in their ack or in a post to their thread. */
function busyCount(c: Cluster): number {
  const threadOf = new Map(c.slack.messages.map((m) => [`${m.channel}/${m.ts}`, m.thread_ts]));
  const threads = new Set<string>();
  for (const call of c.slack.calls) {
    if (call.method !== "chat.postMessage" && call.method !== "chat.update") continue;
    const p = call.params as { channel?: string; thread_ts?: string; ts?: string; text?: string };
    if (!BUSY.test(p.text ?? "")) continue;
    threads.add(`${p.channel}/${p.thread_ts ?? threadOf.get(`${p.channel}/${p.ts}`)}`);
  }
  return c.deliveries.filter((d) => threads.has(`${d.channel}/${d.ts}`) || BUSY.test(d.ackBody ?? "")).length;
}

function summarize(
  name: string,
  c: Cluster,
  rate: number,
  seconds: number,
  started: number,
  r: RunReport,
  rss: (number | null)[],
): RunResult {
  const acks = c.deliveries
    .filter((d) => d.kind === "slack" && d.firstAckMs !== null)
    .map((d) => d.firstAckMs!);
  // Sustained throughput: answers that reached Slack in the second half of the offered window
  // (the system is saturated by then), per second.
  const from = started + (seconds * 1000) / 2;
  const to = started + seconds * 1000;
  const slack = c.deliveries.filter((d) => d.kind === "slack");
  let inWindow = 0;
  for (const d of slack) {
    const at = answerTime(c, d.channel!, d.ts!);
    if (at !== undefined && at >= from && at < to) inWindow++;
  }
  return {
    name,
    replicas: c.replicas.length,
    offeredPerS: rate,
    seconds,
    events: slack.length,
    ackP50: Math.round(percentile(acks, 0.5)),
    ackP99: Math.round(percentile(acks, 0.99)),
    acksOver3s: acks.filter((x) => x > 3000).length,
    firstNon200: r.deliveries.firstNon200,
    answered: r.slack.answered,
    answeredPerS: Number((inWindow / (seconds / 2)).toFixed(2)),
    answerP50: Math.round(percentile(r.slack.answerMs, 0.5)),
    answerP99: Math.round(percentile(r.slack.answerMs, 0.99)),
    busy: busyCount(c),
    unanswered: r.slack.unanswered.length,
    duplicated: r.slack.duplicated.length,
    rssMb: rss,
    load: load(),
  };
}

function answerTime(c: Cluster, channel: string, ts: string): number | undefined {
  const placeholder = new Set(
    c.slack.messages.filter((m) => m.channel === channel && m.thread_ts === ts).map((m) => m.ts),
  );
  for (const call of c.slack.calls) {
    if (call.method !== "chat.postMessage" && call.method !== "chat.update") continue;
    const p = call.params as { channel?: string; thread_ts?: string; ts?: string; text?: string };
    if (p.channel !== channel || p.text === "_thinking…_") continue;
    if (p.thread_ts === ts || (p.ts && placeholder.has(p.ts))) return call.at;
  }
  return undefined;
}

async function saturate(
  name: string,
  replicas: number,
  rate: number,
  env?: Record<string, string>,
): Promise<RunResult> {
  const c = await new Cluster({ replicas, modelDelayMs: DELAY, env }).start();
  try {
    const loadBefore = load();
    const started = await offer(c, rate, SECONDS);
    const rss = c.rssMb();
    const r = await drain(c, 60_000);
    const out = summarize(name, c, rate, SECONDS, started, r, rss);
    out.load = `${loadBefore} → ${out.load}`;
    console.log(JSON.stringify(out));
    return out;
  } finally {
    await c.stop();
  }
}

async function killRun(rate: number): Promise<RunResult> {
  const c = await new Cluster({ replicas: 3, modelDelayMs: DELAY }).start();
  try {
    const loadBefore = load();
    const at = new Date(Date.now() + 20_000);
    at.setUTCSeconds(0, 0);
    at.setUTCMinutes(at.getUTCMinutes() + 1);
    const digestChannels = await c.digestsAt(at.toISOString().slice(11, 16), 4);
    const alerts = await c.enqueueAlerts(8);
    const n = Math.round(rate * SECONDS);
    let killed = 0;
    const t0 = Date.now();
    const started = await offer(c, rate, SECONDS, (i) => {
      if (i % 4 === 0) c.whatsappMessage({ text: i % 8 ? "deals" : `how is the pipeline looking? (#${i})` });
      if (i === Math.floor(n / 2)) {
        killed = (Date.now() - t0) / 1000;
        void c.kill(1);
      }
    });
    const rss = c.rssMb();
    // Digests fire at the minute chosen above: wait for them as well.
    await sleep(Math.max(0, at.getTime() + 20_000 - Date.now()));
    const r = await drain(c, 90_000, { digestChannels, alerts });
    const out = summarize("D: 3 replicas, one killed (SIGKILL) halfway", c, rate, SECONDS, started, r, rss);
    out.report = r;
    out.killedAfterS = Math.round(killed);
    out.load = `${loadBefore} → ${out.load}`;
    console.log(JSON.stringify({ ...out, report: undefined }));
    return out;
  } finally {
    await c.stop();
  }
}

function table(rs: RunResult[]): string {
  const head =
    "| run | replicas | offered ev/s | events | ack p50 / p99 ms | acks > 3 s | answered | answered/s (sustained) | answer p50 / p99 ms | busy | unanswered | dup | RSS MB per replica | load avg (1/5/15) |";
  const sep = `|${"---|".repeat(14)}`;
  const rows = rs.map(
    (r) =>
      `| ${r.name} | ${r.replicas} | ${r.offeredPerS} | ${r.events} | ${r.ackP50} / ${r.ackP99} | ${r.acksOver3s} | ${r.answered} | ${r.answeredPerS} | ${r.answerP50} / ${r.answerP99} | ${r.busy < 0 ? "not counted" : r.busy} | ${r.unanswered} | ${r.duplicated} | ${r.rssMb.map((x) => x ?? "killed").join(", ")} | ${r.load} |`,
  );
  return [head, sep, ...rows].join("\n");
}

if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error(
    "bench:scale needs DATABASE_URL (and MIGRATION_DATABASE_URL) and REDIS_URL: replicas share them.",
  );
  process.exit(2);
}
const results: RunResult[] = [];
const only = values.only?.split(",");
const want = (k: string) => !only || only.includes(k);
const a = want("A") ? await saturate("A: 1 replica, above capacity", 1, RATE) : undefined;
if (a) results.push(a);
const b = want("B") ? await saturate("B: 3 replicas, same offer", 3, RATE) : undefined;
if (b) results.push(b);
const sustained = b?.answeredPerS || Number(values.sustained) || RATE / 2;
if (want("C"))
  results.push(
    await saturate(
      `C: 3 replicas, 2× B's sustained rate, KEEL_TURNS_QUEUE=${values["c-queue"]}`,
      3,
      Math.max(1, Math.round(2 * sustained)),
      { KEEL_TURNS_QUEUE: values["c-queue"]! },
    ),
  );
if (want("D")) results.push(await killRun(Math.max(1, Math.round(sustained / 2))));

// Runs done in an earlier invocation (--only) are kept: results merge by run letter.
const jsonPath = join(import.meta.dirname, "../results/scale.json");
const earlier: RunResult[] = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, "utf8")) : [];
for (const r of earlier) if (!results.some((x) => x.name[0] === r.name[0])) results.push(r);
results.sort((x, y) => x.name.localeCompare(y.name));
const d = results.find((r) => r.report);
const ra = results.find((r) => r.name.startsWith("A"));
const rb = results.find((r) => r.name.startsWith("B"));
const ratio = ra && rb && ra.answeredPerS ? (rb.answeredPerS / ra.answeredPerS).toFixed(2) : "n/a";
const inv = d?.report;
const md = `# Scale-out: several \`keel start\` replicas behind a load balancer

\`npm run bench:scale\` (${new Date().toISOString()}; \`--rate ${RATE} --seconds ${SECONDS} --delay ${DELAY}\`). Each run:
fresh Postgres database (demo company) + Redis, N \`keel start\` processes (built CLI) behind the
harness's round-robin proxy, local Slack Web API, WhatsApp Graph API and an OpenAI-compatible model
that answers after ${DELAY} ms. Slack events are signed \`app_mention\`s (20 channels) and DMs (5 members),
80 % questions that go to the model, 20 % commands. The machine: 2 cores shared with other sessions,
load average shown per run (1/5/15 min, before → after): **the figures are for a loaded machine**.

${table(results)}

- **Sustained answered turns/s, 3 replicas vs 1: ${ratio}×** (B / A, answers reaching Slack in the
  second half of the offered window, when the system is saturated).
- ack = time to the HTTP answer at the proxy (Slack's limit is 3 s); answer = from the event to the
  answer's first post or the placeholder's edit at the Slack API.
- busy = turns whose ack or thread said busy / queued / try again; unanswered = still unanswered after
  the drain (60–90 s) — *lost* unless the inbox still holds them (\`inbox not answered\` below).
${
  inv
    ? `
## Run D: one replica killed with SIGKILL after ${d?.killedAfterS} s

| check | result |
|---|---|
| Slack turns answered / offered | ${inv.slack.answered} / ${inv.slack.turns} (inbox not answered: ${inv.slack.inboxNotAnswered}, duplicated threads: ${inv.slack.duplicated.length}, placeholders left: ${inv.slack.placeholdersLeft}) |
| WhatsApp messages replied / sent | ${inv.whatsapp.replied} / ${inv.whatsapp.messages} (Graph sends matching no recorded part: ${inv.whatsapp.extraSends}) |
| digests delivered once / due | ${inv.digests.delivered} / ${inv.digests.subscriptions} (twice: ${inv.digests.duplicated.length}) |
| outbox alerts sent once / enqueued | ${inv.alerts.sentOnce} / ${inv.alerts.enqueued} |
| outbox rows by status | ${JSON.stringify(inv.outbox.byStatus)}; Slack outbox parts posted twice: ${inv.outbox.slackDuplicates} |
| Slack pacing (≥ ${inv.pacing.slack.intervalMs} ms per channel, ${inv.pacing.slack.toleranceMs} ms jitter allowed) | min gap ${inv.pacing.slack.minGapMs} ms over ${inv.pacing.slack.sends} posts to ${inv.pacing.slack.addresses} channels; violations ${inv.pacing.slack.violations} |
| WhatsApp pacing (≥ ${inv.pacing.whatsapp.intervalMs} ms per number) | min gap ${inv.pacing.whatsapp.minGapMs} ms over ${inv.pacing.whatsapp.sends} sends; violations ${inv.pacing.whatsapp.violations} |
| deliveries retried by "Slack/Meta" (no 200 first time) | ${inv.deliveries.retried} of ${inv.deliveries.total}; final non-200: ${inv.deliveries.finalNon200} |
`
    : ""
}`;
writeFileSync(join(import.meta.dirname, "../results/scale.md"), md);
writeFileSync(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
console.log(md);
