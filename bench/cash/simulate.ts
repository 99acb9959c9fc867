/**
 * Cash simulation speed: 10,000 paths over a 500-deal tenant (plus 200 open invoices), the runway
 * searched two years out. Goal (issue "Cash you can bank on"): ≤ 1 s. Writes bench/results/cash.md.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { simulateCash } from "../../src/core/features/cashflow/simulate.js";
import { mulberry32 } from "../../src/core/kernel/random.js";

const rng = mulberry32(1);
const deals = Array.from({ length: 500 }, (_, i) => ({
  id: `d${i}`,
  label: `Deal ${i}`,
  valueMinor: Math.round(1_000_000 + rng() * 9_000_000),
  winProbability: 0.1 + rng() * 0.85,
  invoiceDay: 1 + Math.floor(rng() * 200),
  termsDays: [30, 37, 45, 60][i % 4]!,
  customerKey: `c${i % 80}`,
}));
const receivables = Array.from({ length: 200 }, (_, i) => ({
  id: `i${i}`,
  label: `INV-${i}`,
  outstandingMinor: Math.round(200_000 + rng() * 2_000_000),
  dueDay: -60 + Math.floor(rng() * 120),
  customerKey: `c${i % 80}`,
}));
const samples = Array.from({ length: 2000 }, () => Math.round(-5 + rng() * 40));
const byCustomer = new Map(
  Array.from(
    { length: 80 },
    (_, c) => [`c${c}`, { n: 25, samples: samples.slice(c * 25, c * 25 + 25) }] as const,
  ),
);
const input = {
  openingMinor: 50_000_000,
  monthlyBurnMinor: 40_000_000,
  burnSdMinor: 4_000_000,
  deals,
  receivables,
  delays: { samples, byCustomer, prior: 3 },
  timingSigma: 0.35,
  checkpoints: Array.from({ length: 14 }, (_, w) => w * 7),
  runwayDays: 730,
  horizonDays: 90,
  paths: 10_000,
  seed: 7,
};
simulateCash({ ...input, paths: 500 }); // warm-up (JIT)
const runs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  simulateCash(input);
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const median = runs[2]!;
const line = `| 10,000 paths × (500 deals + 200 invoices), runway to 730 days | ${median.toFixed(0)} ms median of 5 (min ${runs[0]!.toFixed(0)}, max ${runs[4]!.toFixed(0)}) | ≤ 1,000 ms | ${median <= 1000 ? "met" : "NOT met"} |`;
const load = loadavg()
  .map((v) => v.toFixed(2))
  .join(" / ");
const out = `# Cash simulation benchmark\n\n\`npm run bench:cash\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${load} (1/5/15 min) on ${availableParallelism()} cores, ${process.env.BENCH_NOTE ?? "machine shared with other work"}.\n\n| case | time | goal | |\n|---|---|---|---|\n${line}\n`;
writeFileSync(new URL("../results/cash.md", import.meta.url), out);
console.log(out);
