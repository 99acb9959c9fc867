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
  generateBudgetDemo,
  generateInventoryDemo,
  generateStaffingDemo,
} from "../../src/core/demo/operations.js";
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
} from "../../src/core/optimize/index.js";

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

const cases: Case[] = [
  {
    name: "staffing 30×7×3",
    model: buildStaffingModel(
      staffingInputSchema.parse(generateStaffingDemo({ seed: 42, employees: 30, days: 7 })),
    ).model,
    timeLimitSec: 60,
    mipGap: 1e-4,
    goal: "optimal in ≤ glpsol's time",
  },
  {
    name: "staffing 60×14×3",
    model: buildStaffingModel(
      staffingInputSchema.parse(generateStaffingDemo({ seed: 42, employees: 60, days: 14 })),
    ).model,
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

function runGlpsol(c: Case, dir: string): Row {
  const lp = join(dir, `${c.name.replace(/\W+/g, "_")}.lp`);
  const out = `${lp}.sol`;
  writeFileSync(lp, toCplexLp(c.model));
  const started = performance.now();
  execFileSync(
    "glpsol",
    ["--lp", lp, "--tmlim", String(c.timeLimitSec), "--mipgap", String(c.mipGap), "-o", out],
    { stdio: "ignore" },
  );
  const seconds = (performance.now() - started) / 1000;
  const sol = readFileSync(out, "utf8");
  const status = /Status:\s+(.+)/.exec(sol)?.[1]?.trim() ?? "unknown";
  const objective = Number(/Objective:\s+\S+\s+=\s+(\S+)/.exec(sol)?.[1] ?? Number.NaN);
  return {
    case: c.name,
    solver: "glpsol (native)",
    status,
    objective: Number.isFinite(objective) ? objective : null,
    gap: null,
    seconds,
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-"));
  const native = hasGlpsol();
  // Warm both wasm runtimes first: a long-running server pays instantiation once, not per solve.
  for (const backend of ["glpk", "highs"] as const)
    await solveModel(cases[3]?.model as LinearModel, { backend });
  for (const c of cases) {
    const ints = c.model.vars.filter((v) => v.type !== "continuous").length;
    console.log(
      `${c.name}: ${c.model.vars.length} vars (${ints} integer), ${c.model.constraints.length} rows; auto → ${chooseBackend(c.model, "auto")}`,
    );
    for (const backend of ["glpk", "highs"] as const) {
      const res = await solveModel(c.model, { backend, timeLimitSec: c.timeLimitSec, mipGap: c.mipGap });
      if (!res.ok) throw new Error(res.reason.message);
      const r = res.value;
      rows.push({
        case: c.name,
        solver: backend === "glpk" ? "glpk.js (wasm)" : "highs (wasm)",
        status: r.status,
        objective: r.objective,
        gap: r.mipGap,
        seconds: r.timeMs / 1000,
      });
      console.log(
        `  ${backend}: ${r.status} ${r.objective} gap=${r.mipGap} ${(r.timeMs / 1000).toFixed(3)} s`,
      );
    }
    if (native) {
      const row = runGlpsol(c, dir);
      rows.push(row);
      console.log(`  glpsol: ${row.status} ${row.objective} ${row.seconds.toFixed(3)} s`);
    }
  }
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import("node:os")).cpus().length,
    glpsol: native ? execFileSync("glpsol", ["--version"]).toString().split("\n")[0] : "not installed",
    note: "seconds = wall clock of the solve call (model translation included for wasm backends; LP file read included for glpsol)",
  };
  writeFileSync(
    "bench/results/optimize.json",
    `${JSON.stringify({ meta, cases: cases.map((c) => ({ name: c.name, goal: c.goal, timeLimitSec: c.timeLimitSec, mipGap: c.mipGap })), rows }, null, 2)}\n`,
  );
  const md = [
    "# Optimisation benchmark",
    "",
    `Run: \`npx tsx bench/optimize/run.ts\` on ${meta.date} (Node ${meta.node}, ${meta.cpus} cores, ${meta.glpsol}).`,
    "",
    "| case | goal | solver | status | objective | gap | seconds |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const goal = cases.find((c) => c.name === r.case)?.goal ?? "";
      const gap = r.gap === null ? "" : `${(r.gap * 100).toFixed(3)} %`;
      return `| ${r.case} | ${goal} | ${r.solver} | ${r.status} | ${r.objective?.toFixed(2) ?? "—"} | ${gap} | ${r.seconds.toFixed(3)} |`;
    }),
    "",
  ].join("\n");
  writeFileSync("bench/results/optimize.md", md);
  console.log(md);
}

await main();
