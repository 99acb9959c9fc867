import type { GLPK as GlpkApi, Result as GlpkResult, LP } from "glpk.js/node";
import GLPK from "glpk.js/node";
import { type LinearModel, relax } from "./model.js";
import type { RawSolution, SolveStatus } from "./solver-types.js";

// Instantiating the wasm module costs ~100 ms; one instance per process is reused, created lazily.
let instance: Promise<GlpkApi> | undefined;
function loadGlpk(): Promise<GlpkApi> {
  instance ??= GLPK();
  return instance;
}

function boundType(glpk: GlpkApi, lb: number, ub: number): { type: number; lb: number; ub: number } {
  const hasLb = Number.isFinite(lb);
  const hasUb = Number.isFinite(ub);
  if (hasLb && hasUb) return { type: lb === ub ? glpk.GLP_FX : glpk.GLP_DB, lb, ub };
  if (hasLb) return { type: glpk.GLP_LO, lb, ub: 0 };
  if (hasUb) return { type: glpk.GLP_UP, lb: 0, ub };
  return { type: glpk.GLP_FR, lb: 0, ub: 0 };
}

/** Translates the neutral model into glpk.js's JSON problem. */
export function toGlpkLp(glpk: GlpkApi, model: LinearModel): LP {
  const names = model.vars.map((v) => v.name);
  return {
    name: model.name,
    objective: {
      direction: model.sense === "min" ? glpk.GLP_MIN : glpk.GLP_MAX,
      name: "obj",
      // Every column is listed here (even at cost 0) so glpk.js creates it and reports its value.
      vars: model.vars.map((v) => ({ name: v.name, coef: v.cost })),
    },
    subjectTo: model.constraints.map((c) => ({
      name: c.name,
      vars: c.terms.map((t) => ({ name: names[t.v] ?? "", coef: t.coef })),
      bnds: boundType(glpk, c.lb, c.ub),
    })),
    bounds: model.vars
      .filter((v) => v.type !== "binary")
      .map((v) => ({ name: v.name, ...boundType(glpk, v.lb, v.ub) })),
    binaries: model.vars.filter((v) => v.type === "binary").map((v) => v.name),
    generals: model.vars.filter((v) => v.type === "integer").map((v) => v.name),
  };
}

function run(
  glpk: GlpkApi,
  model: LinearModel,
  opts: { timeLimitSec: number; mipGap: number; presolve: boolean },
): GlpkResult {
  return glpk.solve(toGlpkLp(glpk, model), {
    msglev: glpk.GLP_MSG_OFF,
    tmlim: opts.timeLimitSec,
    mipgap: opts.mipGap,
    presol: opts.presolve,
  });
}

/**
 * Solves with glpk.js (simplex for LPs, branch-and-cut for MILPs). May throw; `solveModel` catches.
 * `quick`: a first attempt whose unfinished result will be discarded — skip the gap estimate.
 */
export async function solveWithGlpk(
  model: LinearModel,
  opts: { timeLimitSec: number; mipGap: number; quick?: boolean },
): Promise<RawSolution> {
  const glpk = await loadGlpk();
  const isMip = model.vars.some((v) => v.type !== "continuous");
  const started = performance.now();
  let res = run(glpk, model, { ...opts, presolve: true });
  let status = res.result.status;
  // With the presolver on, glpk reports an infeasible or unbounded LP as "undefined"; without it
  // the simplex says which. (The MIP presolver cannot be turned off in glpk.js: it needs it.)
  if (!isMip && status === glpk.GLP_UNDEF) {
    res = run(glpk, model, { ...opts, presolve: false });
    status = res.result.status;
  }
  const elapsedSec = (performance.now() - started) / 1000;
  const hitLimit = elapsedSec >= opts.timeLimitSec * 0.95;

  // GLPK stops a MIP at the relative gap tolerance with status GLP_FEAS, exactly as it does at the
  // time limit; only the clock tells them apart. Stopping at the tolerance is "optimal" (within the
  // requested gap), as HiGHS reports it.
  const gapStop = isMip && status === glpk.GLP_FEAS && !hitLimit;
  let mapped: SolveStatus;
  if (status === glpk.GLP_OPT || gapStop) mapped = "optimal";
  else if (status === glpk.GLP_FEAS) mapped = isMip ? "feasible-with-gap" : "time-limit";
  else if (status === glpk.GLP_UNBND) mapped = "unbounded";
  else if (status === glpk.GLP_NOFEAS || status === glpk.GLP_INFEAS) mapped = "infeasible";
  else mapped = hitLimit ? "time-limit" : classifyUndefinedMip(glpk, model, opts);

  const hasPlan = mapped === "optimal" || mapped === "feasible-with-gap";
  const values = hasPlan ? model.vars.map((v) => res.result.vars[v.name] ?? 0) : null;
  const dualMap = res.result.dual;
  const duals = hasPlan && !isMip && dualMap ? model.constraints.map((c) => dualMap[c.name] ?? 0) : null;
  let mipGap: number | null = null;
  // At a gap stop glpk.js does not expose the gap itself, only that it is within the tolerance.
  if (isMip && mapped === "optimal") mipGap = gapStop ? opts.mipGap : 0;
  if (isMip && mapped === "feasible-with-gap" && !opts.quick) {
    // glpk.js does not expose its best bound, so the gap is measured against the LP relaxation
    // bound: an upper estimate of the true gap.
    const lp = run(glpk, relax(model), { timeLimitSec: 10, mipGap: 0, presolve: false });
    const bound = lp.result.z;
    const z = res.result.z;
    mipGap = lp.result.status === glpk.GLP_OPT ? Math.abs(z - bound) / Math.max(Math.abs(z), 1e-9) : null;
  }
  return {
    status: mapped,
    objective: hasPlan ? res.result.z : null,
    values,
    duals,
    mipGap,
    timeMs: performance.now() - started,
    backend: "glpk",
  };
}

/** A MILP that stopped early without a plan: infeasible if even its LP relaxation is. */
function classifyUndefinedMip(
  glpk: GlpkApi,
  model: LinearModel,
  opts: { timeLimitSec: number },
): SolveStatus {
  const lp = run(glpk, relax(model), { timeLimitSec: opts.timeLimitSec, mipGap: 0, presolve: false });
  if (lp.result.status === glpk.GLP_NOFEAS) return "infeasible";
  if (lp.result.status === glpk.GLP_UNBND) return "unbounded";
  // The relaxation is feasible but glpk's MIP presolver proved there is no integer plan.
  return "infeasible";
}
