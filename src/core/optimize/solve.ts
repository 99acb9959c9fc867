import type { Result } from "../errors.js";
import { fail, ok } from "../errors.js";
import { solveWithGlpk } from "./backend-glpk.js";
import { solveWithHighs } from "./backend-highs.js";
import { checkSize, countIntegerVars, type LinearModel } from "./model.js";
import {
  type BackendName,
  DEFAULT_MIP_GAP,
  DEFAULT_TIME_LIMIT_SEC,
  HIGHS_INTEGER_THRESHOLD,
  type RawSolution,
  type SolveOptions,
} from "./solver-types.js";

/** Why a problem could not be solved at all (as opposed to being infeasible, which is a status). */
export interface OptimizeFailure {
  code: "bad_input" | "too_large" | "solver_error";
  message: string;
  /** zod issue paths for bad input, e.g. "employees.2.hourlyCost". */
  issues?: { path: string; message: string }[];
}

/** Which backend "auto" picks: LPs and MILPs up to the threshold go to glpk.js, larger ones to HiGHS. */
export function chooseBackend(model: LinearModel, requested: SolveOptions["backend"]): BackendName {
  if (requested === "glpk" || requested === "highs") return requested;
  return countIntegerVars(model) > HIGHS_INTEGER_THRESHOLD ? "highs" : "glpk";
}

/**
 * Solves a model on the chosen backend. Never throws: size refusals and solver crashes come back as
 * failures; infeasible/unbounded/time-limit are statuses of a successful call.
 */
export async function solveModel(
  model: LinearModel,
  opts: SolveOptions = {},
): Promise<Result<RawSolution, OptimizeFailure>> {
  const tooBig = checkSize(model);
  if (tooBig) return fail({ code: "too_large", message: tooBig });
  const backend = chooseBackend(model, opts.backend);
  const settings = {
    timeLimitSec: opts.timeLimitSec ?? DEFAULT_TIME_LIMIT_SEC,
    mipGap: opts.mipGap ?? DEFAULT_MIP_GAP,
  };
  try {
    const sol =
      backend === "highs" ? await solveWithHighs(model, settings) : await solveWithGlpk(model, settings);
    return ok(sol);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return fail({ code: "solver_error", message: `The ${backend} solver failed: ${detail}` });
  }
}
