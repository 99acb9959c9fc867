import { mkdirSync, writeFileSync } from "node:fs";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps } from "../../test/support/deps.js";
import { CASES } from "./cases.js";
import { runCase, type Verdict } from "./run-case.js";

/** `npm run bench:answers`: the labelled question set offline (no model), in-process; results to bench/results/answers.md. */
const d = await createTestDeps();
await loadDemo(d);
const tenants = new Map([
  ["demo.example", (await requireTenant(d.db, "demo")).id],
  ["harbor.example", (await requireTenant(d.db, "demo-b")).id],
]);
const counts: Record<Verdict, number> = { correct: 0, wrong: 0, clarifying: 0, unanswered: 0 };
const ms: number[] = [];
const misses: string[] = [];
for (const c of CASES) {
  const r = await runCase(d, tenants.get(c.who.split("@")[1]!)!, c);
  counts[r.verdict]++;
  ms.push(r.ms);
  if (r.verdict !== "correct")
    misses.push(`| ${c.who} | ${c.q} | ${r.verdict} | ${r.got.replace(/\|/g, "/")} |`);
}
await d.cleanup();
ms.sort((a, b) => a - b);
const pct = (n: number) => `${((100 * n) / CASES.length).toFixed(1)} %`;
const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
const out = `# Answers benchmark (offline, no model)

Command: \`npm run bench:answers\` — ${CASES.length} labelled questions (demo company + Harbor Bakery, every role,
typos, English/Spanish/German), expected answers computed by SQL per question; replies through the real dispatcher.

| correct | wrong | clarifying | unanswered | p50 latency | p99 latency |
|---|---|---|---|---|---|
| ${pct(counts.correct)} | ${pct(counts.wrong)} | ${pct(counts.clarifying)} | ${pct(counts.unanswered)} | ${q(0.5)} ms | ${q(0.99)} ms |

${misses.length ? `Misses:\n\n| who | question | verdict | reply |\n|---|---|---|---|\n${misses.join("\n")}\n` : "No misses.\n"}`;
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/answers.md", out);
console.log(out);
