/**
 * Optimisation benchmark: the same models on glpk.js, HiGHS (wasm) and native glpsol, in one run.
 *   npx tsx bench/optimize/run.ts            (needs `glpsol` from apt package glpk-utils; skipped if absent)
 * Writes bench/results/optimize.json and optimize.md. Results are recorded, not asserted.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  budgetInputSchema,
  buildBudgetModel,
  buildInventoryModel,
  buildStaffingModel,
  chooseBackend,
  inventoryInputSchema,
  type LinearModel,
  solveModel,
  staffingInputSchema,
  toCplexLp,
} from "../../src/core/features/optimize/index.js";
import {
  generateBudgetDemo,
  generateInventoryDemo,
  generateStaffingDemo,
} from "../../src/demo/operations.js";
import { generateHardStaffing } from "./hard-staffing.js";

interface Case {
  name: string;
  model: LinearModel;
  timeLimitSec: number;
  mipGap: number;
  goal: string;
}

interface Row {
  case: string;
  solver: string;
  status: string;
  objective: number | null;
  gap: number | null;
  seconds: number;
}

const staffing = (input: unknown) => buildStaffingModel(staffingInputSchema.parse(input)).model;

const cases: Case[] = [
  // Easy: the demo generator (sparse availability, loose demand); the LP relaxation is (almost) integral.
  {
    name: "staffing 30×7×3 (easy)",
    model: staffing(generateStaffingDemo({ seed: 42, employees: 30, days: 7 })),
    timeLimitSec: 60,
    mipGap: 1e-4,
    goal: "optimal in ≤ glpsol's time",
  },
  {
    name: "staffing 60×14×3 (easy)",
    model: staffing(generateStaffingDemo({ seed: 42, employees: 60, days: 14 })),
    timeLimitSec: 60,
    mipGap: 0.01,
    goal: "within 1 % gap in ≤ 10 s",
  },
  // Hard (reference hardness): full availability, role cover, penalties, 8/7/10 h shifts (hard-staffing.ts).
  {
    name: "staffing 30×7×3 (hard)",
    model: staffing(generateHardStaffing({ seed: 42, employees: 30, days: 7 })),
    timeLimitSec: 60,
    mipGap: 1e-4,
    goal: "optimal in ≤ glpsol's time",
  },
  {
    name: "staffing 60×14×3 (hard)",
    model: staffing(generateHardStaffing({ seed: 42, employees: 60, days: 14 })),
    timeLimitSec: 60,
    mipGap: 0.01,
    goal: "within 1 % gap in ≤ 10 s",
  },
  {
    name: "inventory 500 products",
    model: buildInventoryModel(inventoryInputSchema.parse(generateInventoryDemo({ seed: 42, products: 500 })))
      .model,
    timeLimitSec: 60,
    mipGap: 0,
    goal: "LP",
  },
  {
    name: "budget 8 channels × 5 segments",
    model: buildBudgetModel(
      budgetInputSchema.parse(generateBudgetDemo({ seed: 42, channels: 8, segments: 5 })),
    ).model,
    timeLimitSec: 60,
    mipGap: 0,
    goal: "LP",
  },
];

function hasGlpsol(): boolean {
  return spawnSync("glpsol", ["--version"]).status === 0;
}

/** Native glpsol on the same model written as a CPLEX LP file; status and gap read from its log. */
function runGlpsol(c: Case, dir: string): Row {
  const lp = join(dir, `${c.name.replace(/\W+/g, "_")}.lp`);
  const out = `${lp}.sol`;
  writeFileSync(lp, toCplexLp(c.model));
  const started = performance.now();
  const run = spawnSync(
    "glpsol",
    ["--lp", lp, "--tmlim", String(c.timeLimitSec), "--mipgap", String(c.mipGap), "-o", out],
    { encoding: "utf8", timeout: (c.timeLimitSec + 60) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  const log = run.stdout ?? "";
  const sol = readFileSync(out, "utf8");
  const raw = /Status:\s+(.+)/.exec(sol)?.[1]?.trim() ?? "unknown";
  const objective = Number(/Objective:\s+\S+\s+=\s+(\S+)/.exec(sol)?.[1] ?? Number.NaN);
  const isMip = c.model.vars.some((v) => v.type !== "continuous");
  // Last progress line: "+ 123: mip =   1.9e+04 >=   1.8e+04   0.5% (…)" → incumbent and bound.
  const progress = [...log.matchAll(/mip =\s+(\S+)\s+>=\s+(\S+)/g)].at(-1);
  const gapStop = log.includes("RELATIVE MIP GAP TOLERANCE REACHED");
  let status: string;
  if (raw === "OPTIMAL" || raw === "INTEGER OPTIMAL") status = "optimal";
  else if (gapStop) status = "optimal";
  else if (raw === "INTEGER NON-OPTIMAL") status = "feasible-with-gap";
  else status = raw.toLowerCase();
  let gap: number | null = null;
  if (isMip && status === "optimal" && !gapStop) gap = 0;
  else if (isMip && progress && Number.isFinite(objective)) {
    const bound = Number(progress[2]);
    gap = Number.isFinite(bound) ? Math.abs(objective - bound) / Math.max(Math.abs(objective), 1e-9) : null;
  }
  return {
    case: c.name,
    solver: "glpsol (native)",
    status,
    objective: Number.isFinite(objective) ? objective : null,
    gap,
    seconds,
  };
}

/** Whether Keel's "auto" path (the row whose solver starts with `prefix`) meets the case's goal. */
function goalMet(c: Case, rows: Row[], prefix: string): string {
  const mine = rows.find((r) => r.case === c.name && r.solver.startsWith(prefix));
  const native = rows.find((r) => r.case === c.name && r.solver.startsWith("glpsol"));
  if (!mine) return "—";
  if (c.goal.startsWith("optimal")) {
    if (mine.status !== "optimal") return "no (not optimal)";
    if (!native) return "yes (no glpsol to compare)";
    if (native.status !== "optimal")
      return `yes (glpsol not optimal in ${c.timeLimitSec} s; ${mine.seconds.toFixed(2)} s)`;
    return mine.seconds <= native.seconds
      ? `yes (${mine.seconds.toFixed(2)} s ≤ ${native.seconds.toFixed(2)} s)`
      : `no (${mine.seconds.toFixed(2)} s > ${native.seconds.toFixed(2)} s)`;
  }
  if (c.goal.startsWith("within")) {
    const ok = mine.gap !== null && mine.gap <= 0.01 && mine.seconds <= 10;
    return `${ok ? "yes" : "no"} (gap ${mine.gap === null ? "?" : `${(mine.gap * 100).toFixed(2)} %`}, ${mine.seconds.toFixed(2)} s)`;
  }
  return mine.status === "optimal" ? "yes (LP optimal)" : "no";
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const sizes: {
    case: string;
    vars: number;
    binaries: number;
    rows: number;
    nonzeros: number;
    auto: string;
  }[] = [];
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-"));
  const native = hasGlpsol();
  // Warm both wasm runtimes first: a long-running server pays instantiation once, not per solve.
  const warm = cases.find((c) => c.name.startsWith("budget"))?.model as LinearModel;
  for (const backend of ["glpk", "highs"] as const) await solveModel(warm, { backend });
  for (const c of cases) {
    const ints = c.model.vars.filter((v) => v.type !== "continuous").length;
    const auto = chooseBackend(c.model, "auto");
    sizes.push({
      case: c.name,
      vars: c.model.vars.length,
      binaries: ints,
      rows: c.model.constraints.length,
      nonzeros: c.model.constraints.reduce((s, r) => s + r.terms.length, 0),
      auto,
    });
    console.log(
      `${c.name}: ${c.model.vars.length} vars (${ints} integer), ${c.model.constraints.length} rows; auto → ${auto}`,
    );
    for (const backend of ["glpk", "highs", "auto"] as const) {
      const res = await solveModel(c.model, { backend, timeLimitSec: c.timeLimitSec, mipGap: c.mipGap });
      if (!res.ok) throw new Error(res.reason.message);
      const r = res.value;
      rows.push({
        case: c.name,
        solver:
          backend === "auto"
            ? `keel auto (${auto} → ${r.backend})`
            : backend === "glpk"
              ? "glpk.js (wasm)"
              : "highs (wasm)",
        status: r.status,
        objective: r.objective,
        gap: r.mipGap,
        seconds: r.timeMs / 1000,
      });
      console.log(
        `  ${backend} (${r.backend}): ${r.status} ${r.objective} gap=${r.mipGap} ${(r.timeMs / 1000).toFixed(3)} s`,
      );
    }
    if (native) {
      const row = runGlpsol(c, dir);
      rows.push(row);
      console.log(`  glpsol: ${row.status} ${row.objective} gap=${row.gap} ${row.seconds.toFixed(3)} s`);
    }
  }
  const verdicts = cases.map((c) => {
    const auto = sizes.find((x) => x.case === c.name)?.auto ?? "glpk";
    return { case: c.name, goal: c.goal, auto, met: goalMet(c, rows, "keel auto") };
  });
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import("node:os")).cpus().length,
    glpsol: native ? execFileSync("glpsol", ["--version"]).toString().split("\n")[0] : "not installed",
    note: "seconds = wall clock of the solve call (model translation included for wasm backends; LP file read included for glpsol). glpk.js and glpsol report a MIP stopped at the gap tolerance as optimal; glpk.js's gap there is the tolerance (its true gap is not exposed), glpsol's is read from its last progress line. Gap of a limited glpk.js run = vs the LP relaxation (upper estimate).",
  };
  writeFileSync(
    "bench/results/optimize.json",
    `${JSON.stringify({ meta, cases: cases.map((c) => ({ name: c.name, goal: c.goal, timeLimitSec: c.timeLimitSec, mipGap: c.mipGap })), sizes, rows, verdicts }, null, 2)}\n`,
  );
  const fmtGap = (g: number | null) => (g === null ? "" : `${(g * 100).toFixed(3)} %`);
  const md = [
    "# Optimisation benchmark",
    "",
    `Run: \`npx tsx bench/optimize/run.ts\` on ${meta.date} (Node ${meta.node}, ${meta.cpus} cores, ${meta.glpsol}).`,
    'Same model, same time limit and gap tolerance for every solver. "easy" = demo generator',
    '(sparse availability); "hard" = `bench/optimize/hard-staffing.ts` (full availability, role cover,',
    "preference penalties, 8/7/10 h shifts with weekly hour limits, rest rule).",
    "",
    "| case | variables | binaries | rows | nonzeros | auto → |",
    "|---|---|---|---|---|---|",
    ...sizes.map((z) => `| ${z.case} | ${z.vars} | ${z.binaries} | ${z.rows} | ${z.nonzeros} | ${z.auto} |`),
    "",
    "| case | limit | solver | status | objective | gap | seconds |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const c = cases.find((x) => x.name === r.case);
      const limit = c ? `${c.timeLimitSec} s, gap ${c.mipGap}` : "";
      return `| ${r.case} | ${limit} | ${r.solver} | ${r.status} | ${r.objective?.toFixed(2) ?? "—"} | ${fmtGap(r.gap)} | ${r.seconds.toFixed(3)} |`;
    }),
    "",
    "| case | goal | auto → | met? |",
    "|---|---|---|---|",
    ...verdicts.map((v) => `| ${v.case} | ${v.goal} | ${v.auto} | ${v.met} |`),
    "",
  ].join("\n");
  writeFileSync("bench/results/optimize.md", md);
  console.log(md);
}

await main();
