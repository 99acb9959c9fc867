#!/usr/bin/env node
/**
 * CLI cost on the embedded default (PGlite, in-process store, offline model), cold processes:
 *   npm run bench:cli -- [--label after] [--runs 3] [--idle 60]
 * For `keel say help` and `keel say deals`: CPU time (user + sys) and peak RSS from `/usr/bin/time -v`,
 * median of `runs` cold runs on a data dir prepared by `keel demo`. For `keel start`: RSS after
 * `idle` seconds. Rows for `label` replace earlier rows with that label in bench/results/cli.md.
 * Recorded, not asserted.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const RESULTS = join(ROOT, "bench/results/cli.md");
const { values } = parseArgs({
  options: {
    label: { type: "string", default: "current" },
    runs: { type: "string", default: "3" },
    idle: { type: "string", default: "60" },
  },
});
if (!existsSync("/usr/bin/time")) {
  console.error("bench:cli needs GNU time: apt-get install -y time");
  process.exit(2);
}
const runs = Number(values.runs);
const dataDir = mkdtempSync(join(tmpdir(), "keel-bench-cli-"));
// The embedded default: nothing but the data dir; PATH keeps node_modules/.bin (the pinned Node) first.
const env = {
  PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
  HOME: process.env.HOME ?? tmpdir(),
  KEEL_DATA_DIR: dataDir,
  LLM_STARTUP_PROBE: "false",
};
const node = join(ROOT, "node_modules/.bin/node");
const keel = join(ROOT, "bin/keel.mjs");

/** One cold process under GNU time: seconds of CPU, peak RSS in MB, wall seconds, exit code. */
function timed(args) {
  const r = spawnSync("/usr/bin/time", ["-v", node, keel, ...args], { cwd: ROOT, env, encoding: "utf8" });
  const field = (name) => Number(new RegExp(`${name}: ([\\d.:]+)`).exec(r.stderr)?.[1] ?? Number.NaN);
  const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(r.stderr)?.[1] ?? "0";
  const wall = wallText.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
  return {
    cpu: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    rssMb: field("Maximum resident set size \\(kbytes\\)") / 1024,
    wall,
    code: r.status,
    out: r.stdout,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(name, args) {
  const samples = Array.from({ length: runs }, () => timed(args));
  const failed = samples.find((s) => s.code !== 0);
  if (failed) console.error(`${name} exited ${failed.code}:\n${failed.out}`);
  return {
    name,
    cpu: median(samples.map((s) => s.cpu)),
    rssMb: median(samples.map((s) => s.rssMb)),
    wall: median(samples.map((s) => s.wall)),
    lines: samples[0].out.trim().split("\n").length,
  };
}

async function idleRss(seconds) {
  const child = spawn(node, [keel, "start"], { cwd: ROOT, env: { ...env, PORT: "0" }, stdio: "ignore" });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  let rssMb = Number.NaN;
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    /* exited early: reported as NaN */
  }
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return rssMb;
}

const first = timed(["demo"]);
const rows = [
  { name: "keel demo (first run: migrate + load)", cpu: first.cpu, rssMb: first.rssMb, wall: first.wall },
  measure("keel say help", ["say", "help"]),
  measure("keel say deals", ["say", "deals"]),
];
const startRss = await idleRss(Number(values.idle));
rmSync(dataDir, { recursive: true, force: true });

const label = values.label;
const when = new Date().toISOString().slice(0, 16).replace("T", " ");
const machine = `${cpus().length} cores, load ${loadavg()[0].toFixed(2)}, Node ${spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()}`;
const newRows = [
  ...rows.map(
    (r) =>
      `| ${label} | ${r.name} | ${r.cpu.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.wall.toFixed(2)} | ${when}, ${machine} |`,
  ),
  `| ${label} | keel start, RSS after ${values.idle} s idle | – | ${startRss.toFixed(0)} | – | ${when}, ${machine} |`,
];
const header = [
  "# CLI cost on the embedded default (cold processes)",
  "",
  "`npm run bench:cli -- --label <label>` — CPU = user + sys seconds, peak RSS from `/usr/bin/time -v`,",
  `median of ${runs} cold runs after \`keel demo\` prepared a fresh data dir. Goals: \`keel say help\` ≤ 1.0 s CPU`,
  "and ≤ 250 MB peak; `keel start` idle RSS ≤ 250 MB. Recorded, not asserted.",
  "",
  "What the numbers mean, what changed and what stands in the way: the notes under the table (kept across runs).",
  "Rows are medians of cold runs on a shared, loaded machine: compare rows of one run (same load column).",
  "",
  "| label | command | CPU s | peak RSS MB | wall s | when, machine |",
  "|---|---|---|---|---|---|",
];
const kept = existsSync(RESULTS)
  ? readFileSync(RESULTS, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| label") && !l.startsWith(`| ${label} |`))
  : [];
// The notes under the table are written by hand and kept as they are.
const notes = existsSync(RESULTS)
  ? (/\n(## Notes[\s\S]*)$/.exec(readFileSync(RESULTS, "utf8"))?.[1] ?? "")
  : "";
writeFileSync(RESULTS, `${[...header, ...kept, ...newRows].join("\n")}\n${notes ? `\n${notes}` : ""}`);
console.log(newRows.join("\n"));
