import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps } from "../../test/support/deps.js";
import { CASES } from "./cases.js";
import { HELDOUT } from "./heldout.js";
import { createKestrel } from "./kestrel.js";
import { runCase, type Verdict } from "./run-case.js";

/**
 * `npm run bench:answers`: both labelled question sets offline (no model), in-process, through the
 * real dispatcher; results to bench/results/answers.md. The held-out set's FIRST run is kept in
 * bench/results/answers-heldout-first-run.md (written once, never overwritten).
 *
 * `npm run bench:answers -- --model`: the same sets with a model configured (a local OpenAI-compatible
 * server): once with an honest phrasing model, once with a liar that changes every headline figure.
 * Counts who worded each reply and how many invented figures reached the user; results to
 * bench/results/answers-model.md.
 */
if (process.argv.includes("--model")) {
  await import("./model-mode.js");
  process.exit(0);
}
const d = await createTestDeps();
await loadDemo(d);
const tenants = new Map([
  ["demo.example", (await requireTenant(d.db, "demo")).id],
  ["harbor.example", (await requireTenant(d.db, "demo-b")).id],
  ["kestrel.example", await createKestrel(d, d.clock.now())],
]);

async function run(
  set: readonly { q: string; who: string; before?: string[]; expect: (typeof CASES)[number]["expect"] }[],
) {
  const counts: Record<Verdict, number> = { correct: 0, wrong: 0, clarifying: 0, unanswered: 0 };
  const ms: number[] = [];
  const misses: string[] = [];
  for (const c of set) {
    const r = await runCase(d, tenants.get(c.who.split("@")[1]!)!, c);
    counts[r.verdict]++;
    ms.push(r.ms);
    if (r.verdict !== "correct")
      misses.push(
        `| ${c.who} | ${c.before ? `(after "${c.before.join('", "')}") ` : ""}${c.q} | ${r.verdict} | ${r.got.replace(/\|/g, "/")} |`,
      );
  }
  ms.sort((a, b) => a - b);
  const pct = (n: number) => `${((100 * n) / set.length).toFixed(1)} %`;
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
  return {
    counts,
    row: `| ${set.length} | ${pct(counts.correct)} | ${pct(counts.wrong)} | ${pct(counts.clarifying)} | ${pct(counts.unanswered)} | ${q(0.5)} ms | ${q(0.99)} ms |`,
    misses: misses.length
      ? `| who | question | verdict | reply |\n|---|---|---|---|\n${misses.join("\n")}\n`
      : "No misses.\n",
  };
}

const held = await run(HELDOUT);
const tuned = await run(CASES);
await d.cleanup();
const HEAD =
  "| questions | correct | wrong | clarifying | unanswered | p50 latency | p99 latency |\n|---|---|---|---|---|---|---|";
const FIRST = "bench/results/answers-heldout-first-run.md";
mkdirSync("bench/results", { recursive: true });
if (!existsSync(FIRST))
  writeFileSync(
    FIRST,
    `# Held-out question set — FIRST run (before any fix it prompted)\n\n${HEAD}\n${held.row}\n\n${held.misses}`,
  );
const firstRow = existsSync(FIRST)
  ? (readFileSync(FIRST, "utf8")
      .split("\n")
      .find((l) => /^\| \d+ \|/.test(l)) ?? "")
  : "";
const out = `# Answers benchmark (offline, no model)

Command: \`npm run bench:answers\` (this run: ${process.env.DATABASE_URL ? "Postgres" : "in-memory PGlite"}; the first held-out run was on PGlite) — in-process, replies through the real dispatcher, every expected
answer computed by SQL per question (bench/answers/*.ts).

## Held-out set (bench/answers/heldout.ts)

${HELDOUT.length} questions written after the parser was tuned, over the demo company and Kestrel Tiles
(a second company generated through setup + CSV import, GBP, Europe/London): casual, misspelt,
follow-ups in one conversation, English/Spanish/German/Arabic, every role. Its first run is kept in
\`answers-heldout-first-run.md\`.

${HEAD}
${firstRow} ← first run
${held.row} ← this run

${held.misses}
## Tuning set (bench/answers/cases.ts — the parser was tuned on it)

${HEAD}
${tuned.row}

${tuned.misses}`;
writeFileSync("bench/results/answers.md", out);
console.log(out);
