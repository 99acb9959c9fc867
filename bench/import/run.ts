/**
 * Import throughput and memory: deals, invoices and metric points streamed from generated CSV files
 * into PGlite (on disk, as `keel` runs it) and (when DATABASE_URL is set) Postgres, through the same
 * `runImport` the CLI uses. Full size is the 50,000 deals + 200,000 invoices + 1,000,000 metric
 * points; IMPORT_BENCH_SCALE shrinks it. Rows/s, peak RSS and RSS / JS heap at 10 %, 50 % and 100 % of
 * each file (the memory-stays-flat check) go to bench/results/import.md.
 */

import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import { createCompany } from "../../src/core/features/company/index.js";
import { type ImportKind, runImport } from "../../src/core/features/import/index.js";

const SCALE = Number(process.env.IMPORT_BENCH_SCALE ?? 1);
const SIZES = {
  deals: Math.round(50_000 * SCALE),
  invoices: Math.round(200_000 * SCALE),
  metrics: Math.round(1_000_000 * SCALE),
};
const MB = 2 ** 20;
/** IMPORT_BENCH_ONLY=deals,metrics runs some kinds only (to check one change quickly). */
const KINDS = (["deals", "invoices", "metrics"] as const).filter(
  (k) => !process.env.IMPORT_BENCH_ONLY || process.env.IMPORT_BENCH_ONLY.split(",").includes(k),
);
const STAGES = ["Lead", "Qualified", "Proposal Sent", "Negotiation", "Order Received"];

async function writeCsv(path: string, header: string, n: number, row: (i: number) => string) {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  for (let i = 0; i < n; i++) if (!out.write(`${row(i)}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

async function files(dir: string) {
  const f = {
    deals: join(dir, "deals.csv"),
    invoices: join(dir, "invoices.csv"),
    metrics: join(dir, "metrics.csv"),
  };
  await writeCsv(
    f.deals,
    "external_id,name,company,stage,value,next_step",
    SIZES.deals,
    (i) =>
      `D${i},Deal ${i},Customer ${i % 997},${STAGES[i % STAGES.length]},${(i % 500) * 100 + 99}.50,"Call back, then ""send"" quote"`,
  );
  await writeCsv(
    f.invoices,
    "number,customer,issued_on,due_on,amount",
    SIZES.invoices,
    (i) => `INV-${i},Customer ${i % 997},${day(i % 1500)},${day((i % 1500) + 30)},${(i % 900) + 10}.00`,
  );
  const series = 50;
  await writeCsv(
    f.metrics,
    "metric,date,value",
    SIZES.metrics,
    (i) => `m_${i % series},${day(Math.floor(i / series))},${(i * 7) % 1000}.25`,
  );
  return f;
}

interface Run {
  db: string;
  kind: ImportKind;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  peakRssMb: number;
  /** RSS and JS heap (MB) when 10 %, 50 % and 100 % of the file had been read. */
  /** RSS after a GC just before the import started (what the process held already). */
  startRssMb: number;
  at: { pct: number; rssMb: number; heapMb: number; seconds: number }[];
}

/** Reads a file and samples memory as it passes 10 %, 50 % and 100 % of its bytes. */
async function* progress(path: string, marks: Run["at"], t0: number) {
  const size = statSync(path).size;
  const pcts = [10, 50, 100];
  let read = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    read += chunk.length;
    while (pcts.length && read * 100 >= size * pcts[0]!) {
      const m = process.memoryUsage();
      marks.push({
        pct: pcts.shift()!,
        rssMb: m.rss / MB,
        heapMb: m.heapUsed / MB,
        seconds: (performance.now() - t0) / 1000,
      });
    }
    yield chunk;
  }
}

async function measure(
  env: Record<string, string>,
  label: string,
  f: Record<string, string>,
): Promise<Run[]> {
  const deps = await createDeps(loadConfig({ LOG_LEVEL: "warn", ...env }));
  const out: Run[] = [];
  try {
    const { tenant } = await createCompany(deps, {
      company: "Bench",
      slug: "bench",
      currency: "USD",
      timezone: "UTC",
      owner: "o@bench.example",
    });
    for (const kind of KINDS) {
      global.gc?.();
      await new Promise((r) => setTimeout(r, 200));
      const startRss = process.memoryUsage().rss;
      let peak = startRss;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
      const t0 = performance.now();
      const at: Run["at"] = [];
      const r = await runImport(deps, tenant.id, kind, progress(f[kind]!, at, t0));
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(timer);
      if (!r.ok) throw new Error(`${kind}: ${r.errorCount} errors, first ${JSON.stringify(r.errors[0])}`);
      out.push({
        db: label,
        kind,
        rows: r.rows,
        seconds,
        rowsPerSec: r.rows / seconds,
        peakRssMb: peak / MB,
        startRssMb: startRss / MB,
        at,
      });
      const mem = at.map((a) => `${a.pct}%: ${Math.round(a.rssMb)}/${Math.round(a.heapMb)}`).join(", ");
      console.log(`${label} ${kind}: ${r.rows} rows in ${seconds.toFixed(1)} s; RSS/heap MB ${mem}`);
    }
  } finally {
    await closeDeps(deps);
  }
  return out;
}

/** Throughput over the first 10 % of the file and over its last 50 % (bytes ≈ rows: lines are alike). */
function phases(r: Run): string {
  const [a, b] = [r.at[0], r.at[1]];
  if (!a || !b) return "–";
  const first = (0.1 * r.rows) / a.seconds;
  const last = (0.5 * r.rows) / Math.max(1e-9, r.seconds - b.seconds);
  return `${Math.round(first)} / ${Math.round(last)}`;
}

async function main() {
  const loadBefore = loadavg()[0]!.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), "keel-import-bench-"));
  const runs: Run[] = [];
  try {
    const f = await files(dir);
    runs.push(...(await measure({ KEEL_DATA_DIR: join(dir, "pglite") }, "PGlite", f)));
    if (process.env.DATABASE_URL) {
      const name = `keel_bench_import_${process.pid}`;
      const owner = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
      const at = (u: string, db: string) => Object.assign(new URL(u), { pathname: `/${db}` }).toString();
      const admin = postgres(at(owner, "postgres"), { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${name}"`);
      try {
        runs.push(
          ...(await measure(
            { DATABASE_URL: at(process.env.DATABASE_URL, name), MIGRATION_DATABASE_URL: at(owner, name) },
            "Postgres",
            f,
          )),
        );
      } finally {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const md = [
    "# Import throughput",
    "",
    `\`npm run bench:import\` (IMPORT_BENCH_SCALE=${SCALE}), ${new Date().toISOString().slice(0, 16)}Z, ${process.platform} ${process.arch}, Node ${process.version}.`,
    "Each file is streamed from disk through `runImport` (the code behind `keel import`) into a fresh tenant, in one transaction.",
    `Load average (1 min) at start ${loadBefore}, at end ${loadavg()[0]!.toFixed(1)} (2 cores, shared).`,
    "Peak RSS is the whole process (database engine included for PGlite), sampled every 25 ms.",
    "",
    "RSS / JS heap at 10 %, 50 % and 100 % of the file show whether memory grows with the file; rows/s in the",
    "first 10 % and the last 50 % of the file show whether each row gets slower as the table grows.",
    "",
    "| database | kind | rows | seconds | rows/s | rows/s first 10 % / last 50 % | RSS MB at start | peak RSS MB | RSS MB at 10 / 50 / 100 % | JS heap MB at 10 / 50 / 100 % |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...runs.map(
      (r) =>
        `| ${r.db} | ${r.kind} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerSec)} | ${phases(r)} | ${Math.round(r.startRssMb)} | ${Math.round(r.peakRssMb)} | ${r.at.map((a) => Math.round(a.rssMb)).join(" / ")} | ${r.at.map((a) => Math.round(a.heapMb)).join(" / ")} |`,
    ),
    "",
  ].join("\n");
  writeFileSync(join(import.meta.dirname, "../results/import.md"), md);
  console.log(md);
}

await main();
