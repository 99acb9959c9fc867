import { readFile } from "node:fs/promises";
import {
  type AnyOptimizeResult,
  describePlan,
  type OptimizeFailure,
  type SolveOptions,
  solveBudget,
  solveInventory,
  solveStaffing,
} from "../core/features/optimize/index.js";
import type { Result } from "../core/kernel/errors.js";

const USAGE =
  "Usage: keel optimize inventory|staffing|budget FILE.json [--json] [--backend glpk|highs] [--time-limit S] [--gap G]";
const SOLVERS = {
  inventory: solveInventory,
  staffing: solveStaffing,
  budget: solveBudget,
} as const satisfies Record<
  string,
  (input: unknown, opts: SolveOptions) => Promise<Result<AnyOptimizeResult, OptimizeFailure>>
>;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

interface Args {
  problem: keyof typeof SOLVERS;
  file: string;
  json: boolean;
  opts: SolveOptions;
}

function parseArgs(argv: string[]): Args | string {
  const positional: string[] = [];
  const opts: SolveOptions = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--json") json = true;
    else if (a === "--backend") {
      const v = argv[++i];
      if (v !== "glpk" && v !== "highs" && v !== "auto")
        return `--backend must be glpk, highs or auto (got ${v ?? "nothing"}).`;
      opts.backend = v;
    } else if (a === "--time-limit" || a === "--gap") {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) return `${a} needs a positive number.`;
      if (a === "--gap") opts.mipGap = v;
      else opts.timeLimitSec = v;
    } else if (a.startsWith("--")) return `Unknown option ${a}.`;
    else positional.push(a);
  }
  const [problem, file] = positional;
  if (problem === undefined || !(problem in SOLVERS)) return `Unknown problem "${problem ?? ""}".`;
  if (file === undefined || positional.length > 2) return "Give exactly one input file.";
  return { problem: problem as Args["problem"], file, json, opts };
}

/**
 * `keel optimize inventory|staffing|budget FILE.json`: solves and prints the plan (or JSON).
 * Exit codes: 0 plan found, 1 no plan (infeasible/unbounded/time limit) or solver failure,
 * 2 bad usage or bad input (the wrong field is named). Never prints a stack trace.
 */
export async function optimizeCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  let input: unknown;
  try {
    input = JSON.parse(await readFile(args.file, "utf8"));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : "cannot be read";
    io.stderr.write(`${args.file} ${why}.\n`);
    return 2;
  }
  const res = await SOLVERS[args.problem](input, args.opts);
  if (!res.ok) {
    io.stderr.write(`${res.reason.message}\n`);
    for (const issue of res.reason.issues ?? []) io.stderr.write(`  - ${issue.path}: ${issue.message}\n`);
    return res.reason.code === "bad_input" || res.reason.code === "too_large" ? 2 : 1;
  }
  io.stdout.write(args.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${describePlan(res.value)}\n`);
  return res.value.plan ? 0 : 1;
}
