import type { Highs, InitOptions, ModelData } from "highs";
import highsDefault from "highs";
import type { LinearModel } from "./model.js";
import type { RawSolution, SolveStatus } from "./solver-types.js";

// The package runs as ESM but ships CommonJS-flavoured types, so TypeScript sees the namespace where
// Node hands us the loader function; accept either shape.
const highsLoader = ((highsDefault as unknown as { default?: unknown }).default ?? highsDefault) as (
  opts?: InitOptions,
) => Promise<Highs>;

// Compiling the wasm module is the expensive part; one runtime per process, created lazily.
let runtime: Promise<Highs> | undefined;
function loadHighs(): Promise<Highs> {
  runtime ??= highsLoader();
  return runtime;
}

/** Translates the neutral model into HiGHS's structured model (CSR matrix). */
export function toHighsModel(highs: Highs, model: LinearModel): ModelData {
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const c of model.constraints) {
    for (const t of c.terms) {
      indices.push(t.v);
      values.push(t.coef);
    }
    starts.push(indices.length);
  }
  const { variableType, objectiveSense } = highs.constants;
  return {
    numCols: model.vars.length,
    numRows: model.constraints.length,
    sense: model.sense === "min" ? objectiveSense.minimize : objectiveSense.maximize,
    colCost: model.vars.map((v) => v.cost),
    colLower: model.vars.map((v) => v.lb),
    colUpper: model.vars.map((v) => v.ub),
    rowLower: model.constraints.map((c) => c.lb),
    rowUpper: model.constraints.map((c) => c.ub),
    matrix: {
      format: "csr",
      numRows: model.constraints.length,
      numCols: model.vars.length,
      starts,
      indices,
      values,
    },
    integrality: model.vars.map((v) =>
      v.type === "continuous" ? variableType.continuous : variableType.integer,
    ),
  };
}

/** Solves with HiGHS through its persistent API (which, unlike the one-shot call, reports the MIP gap). */
export async function solveWithHighs(
  model: LinearModel,
  opts: { timeLimitSec: number; mipGap: number },
): Promise<RawSolution> {
  const highs = await loadHighs();
  const isMip = model.vars.some((v) => v.type !== "continuous");
  const started = performance.now();
  const attempt = (presolve: "choose" | "off") =>
    highs.withModel(toHighsModel(highs, model), (m) => {
      m.options.set({
        output_flag: false,
        time_limit: opts.timeLimitSec,
        mip_rel_gap: opts.mipGap,
        presolve,
      });
      const { modelStatus } = m.run();
      const primalFeasible = Number(m.info.get("primal_solution_status")) === 2;
      const sol = primalFeasible ? m.getSolution() : null;
      return {
        modelStatus,
        objective: primalFeasible ? m.getObjectiveValue() : null,
        values: sol ? Array.from(sol.colValue) : null,
        duals: sol && !isMip ? Array.from(sol.rowDual) : null,
        mipGap: isMip && primalFeasible ? Number(m.info.get("mip_gap")) : null,
      };
    });
  const codes = highs.constants.modelStatus;
  let out = attempt("choose");
  // Presolve may only know "infeasible or unbounded"; the simplex without it tells which.
  if (out.modelStatus === codes.unboundedOrInfeasible) out = attempt("off");

  let status: SolveStatus;
  const limited = out.modelStatus === codes.timeLimit || out.modelStatus === codes.iterationLimit;
  if (out.modelStatus === codes.optimal) status = "optimal";
  else if (out.modelStatus === codes.infeasible) status = "infeasible";
  else if (out.modelStatus === codes.unbounded || out.modelStatus === codes.unboundedOrInfeasible)
    status = "unbounded";
  else if (limited) status = out.values && isMip ? "feasible-with-gap" : "time-limit";
  else throw new Error(`HiGHS stopped with model status ${out.modelStatus}`);

  const hasPlan = status === "optimal" || status === "feasible-with-gap";
  return {
    status,
    objective: hasPlan ? out.objective : null,
    values: hasPlan ? out.values : null,
    duals: hasPlan ? out.duals : null,
    mipGap: hasPlan && isMip ? (out.mipGap ?? null) : null,
    timeMs: performance.now() - started,
    backend: "highs",
  };
}
