/**
 * Benchmark: the scheduled digest run for many tenants — claim, compose (cash + forecast, pipeline,
 * goals, anomalies, approvals, LLM spend), render the PNG chart, enqueue and deliver to a no-op
 * channel — exactly what the `digests` job does at 08:00. Reports total time and peak memory.
 *
 *   . scratch/env.sh && node --import tsx bench/jobs/digests.ts [--tenants 1000] [--replicas N]
 *
 * `--replicas N` runs N scheduler replicas (worker threads, each its own Deps and connection pool),
 * as N `keel start` processes would: they split the due digests through the per-digest claims.
 * With DATABASE_URL set it uses (and keeps, for re-runs) a database `keel_bench_jobs` on that
 * server; without it, in-memory PGlite (slow; use fewer tenants). Results: bench/results/digests.{json,md}.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import { digestSubscriptions, outbox, tenants } from "../../src/core/infra/db/schema/index.js";
import type { ChatAdapter } from "../../src/core/ports/chat-adapter.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { DIGEST_CONCURRENCY } from "../../src/jobs/digests.job.js";
import { createScheduler, digestsJob } from "../../src/jobs/index.js";
import { seedBenchTenants } from "./seed.js";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "1000" },
    replicas: { type: "string", default: "1" },
    out: { type: "string", default: "bench/results/digests" },
  },
});
const N = Number(values.tenants);
const TODAY = "2026-11-20T08:05:00Z";
const DB = "keel_bench_jobs";

function withDb(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

const env: Record<string, string | undefined> = {
  ...process.env,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
  KEEL_DATA_DIR: "/tmp/keel-bench-jobs",
};
if (process.env.DATABASE_URL) {
  const owner = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
  const admin = postgres(withDb(owner, "postgres"), { max: 1, onnotice: () => {} });
  const exists = await admin`select 1 from pg_database where datname = ${DB}`;
  if (!exists.length) await admin.unsafe(`create database "${DB}"`);
  await admin.end();
  env.DATABASE_URL = withDb(process.env.DATABASE_URL, DB);
  env.MIGRATION_DATABASE_URL = withDb(owner, DB);
}
const config = loadConfig(env);
const clock = fixedClock(TODAY);
const deps = await createDeps(config, { clock, inMemory: !config.db.url });

const log = (s: string) => process.stderr.write(`${s}\n`);
const seedStart = performance.now();
const have =
  (
    await deps.db.orm
      .select({ n: sql<number>`count(*)::int` })
      .from(tenants)
      .where(sql`${tenants.slug} like 'bench-%'`)
  )[0]?.n ?? 0;
if (have < N) {
  log(`seeding ${N - have} synthetic tenants…`);
  await seedBenchTenants(deps, N, new Date(TODAY), log);
}
const seedMs = performance.now() - seedStart;
const list = (
  await deps.db.orm.select({ id: tenants.id }).from(tenants).where(sql`${tenants.slug} like 'bench-%'`)
).slice(0, N);
// A fresh run: forget earlier runs' periods, claims and outbox rows.
await deps.db.orm.execute(sql`delete from job_runs`);
for (const t of list)
  await deps.db.tenantTx(t.id, async (tx) => {
    await tx.delete(outbox).where(eq(outbox.tenantId, t.id));
    await tx.update(digestSubscriptions).set({ lastPeriod: null, lastSentAt: null });
  });
// Only the tenants in this run have due subscriptions.
const keep = new Set(list.map((t) => t.id));
const all = await deps.db.orm.select({ id: tenants.id }).from(tenants);
for (const t of all)
  if (!keep.has(t.id))
    await deps.db.tenantTx(t.id, (tx) =>
      tx.update(digestSubscriptions).set({ lastPeriod: "daily:2026-11-20" }),
    );

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

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const timer = setInterval(sample, 50);
// Threads need a server database; in-memory PGlite lives in this thread only.
const REPLICAS = config.db.url ? Math.max(1, Number(values.replicas)) : 1;
const workers =
  REPLICAS > 1
    ? await Promise.all(
        Array.from({ length: REPLICAS }, (_, i) => {
          // A tiny bootstrap registers tsx in the thread (execArgv hooks do not reach workers on every Node).
          const boot = `import("tsx/esm/api").then((m) => m.register()).then(() => import(${JSON.stringify(new URL("./replica.ts", import.meta.url).href)}))`;
          const w = new Worker(boot, {
            eval: true,
            workerData: { env, now: TODAY, runner: `bench-replica-${i}` },
          });
          return new Promise<Worker>((resolve, reject) => {
            w.once("message", () => resolve(w));
            w.once("error", reject);
          });
        }),
      )
    : [];
const scheduler = createScheduler(deps, [digestsJob], { timers: false });
const loadBefore = loadavg()[0] ?? 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcome =
  workers.length > 0
    ? await Promise.all(
        workers.map(
          (w) =>
            new Promise<{ outcome: unknown; delivered: number }>((resolve) => {
              w.once("message", resolve);
              w.postMessage("go");
            }),
        ),
      ).then((rs) => {
        delivered += rs.reduce((s, r) => s + r.delivered, 0);
        return rs.map((r) => r.outcome);
      })
    : await scheduler.fire("digests");
const totalMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const loadAfter = loadavg()[0] ?? 0;
sample();
clearInterval(timer);
const sent = (
  await Promise.all(
    list.map((t) =>
      deps.db.tenantTx(t.id, (tx) =>
        tx.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.status, "sent")),
      ),
    ),
  )
).reduce((s, r) => s + (r[0]?.n ?? 0), 0);
await closeDeps(deps);

const result = {
  benchmark: "digests",
  when: new Date().toISOString(),
  tenants: list.length,
  database: config.db.url ? "postgres" : "pglite",
  store: config.redis.url ? "redis" : "memory",
  replicas: REPLICAS,
  concurrency: DIGEST_CONCURRENCY,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  totalSeconds: Number((totalMs / 1000).toFixed(2)),
  perDigestMs: Number((totalMs / Math.max(1, list.length)).toFixed(1)),
  nodeCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  nodeCpuPerDigestMs: Number(((cpu.user + cpu.system) / 1e3 / Math.max(1, list.length)).toFixed(1)),
  loadAverage1m: { before: Number(loadBefore.toFixed(1)), after: Number(loadAfter.toFixed(1)) },
  peakRssMb: Math.round(peakRss / 2 ** 20),
  peakHeapMb: Math.round(peakHeap / 2 ** 20),
  maxRssMbOs: Math.round(process.resourceUsage().maxRSS / 1024),
  delivered,
  sentInOutbox: sent,
  goalSeconds: 60,
  withinGoal: totalMs / 1000 <= 60,
  seedSeconds: Number((seedMs / 1000).toFixed(1)),
  outcome,
};
mkdirSync("bench/results", { recursive: true });
writeFileSync(`${values.out}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(
  `${values.out}.md`,
  `# Digests benchmark\n\n` +
    `${result.tenants} synthetic tenants (demo generators: 69 deals with stage history, ~13 months of invoices, 150 days × 7 daily metrics), ` +
    `one daily digest each, all due at once; ${result.database} + ${result.store} store; ${result.machine.cpus} CPUs (${result.machine.cpuModel}), Node ${result.machine.node}.\n\n` +
    `| measure | value |\n|---|---|\n` +
    `| total (claim → compose → chart PNG → enqueue → deliver) | **${result.totalSeconds} s** (goal ≤ 60 s: ${result.withinGoal ? "met" : "missed"}) |\n` +
    `| per digest (wall) | ${result.perDigestMs} ms (${result.replicas} replica(s) × concurrency ${result.concurrency}) |\n` +
    `| Node CPU (user+sys) | ${result.nodeCpuSeconds} s, ${result.nodeCpuPerDigestMs} ms per digest |\n` +
    `| machine load (1-min average, before → after) | ${result.loadAverage1m.before} → ${result.loadAverage1m.after} |\n` +
    `| peak RSS (sampled / OS max) | ${result.peakRssMb} MB / ${result.maxRssMbOs} MB |\n` +
    `| peak heap | ${result.peakHeapMb} MB |\n` +
    `| delivered / sent rows | ${result.delivered} / ${result.sentInOutbox} |\n\n` +
    `Command: \`. scratch/env.sh && node --import tsx bench/jobs/digests.ts --tenants ${result.tenants} --replicas ${result.replicas}\` (${result.when}).\n`,
);
log(
  JSON.stringify({
    totalSeconds: result.totalSeconds,
    perDigestMs: result.perDigestMs,
    cpuPerDigestMs: result.nodeCpuPerDigestMs,
    load: result.loadAverage1m,
    peakRssMb: result.peakRssMb,
    delivered,
    sent,
  }),
);
process.exit(0);
