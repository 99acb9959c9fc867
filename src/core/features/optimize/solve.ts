import type { Result } from "../../kernel/errors.js";
import { fail, ok } from "../../kernel/errors.js";
import { solveWithGlpk } from "./backend-glpk.js";
import { solveWithHighs } from "./backend-highs.js";
import { checkSize, countIntegerVars, type LinearModel } from "./model.js";
import {
  type BackendName,
  DEFAULT_MIP_GAP,
  DEFAULT_TIME_LIMIT_SEC,
  GLPK_FIRST_SEC,
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

/**
 * How a model is solved: one backend, or ("auto" on a MILP) glpk.js for a short first attempt and
 * HiGHS with the remaining time if that attempt does not settle it.
 */
export type BackendPlan = BackendName | "glpk-then-highs";

/** "auto": LPs → glpk.js (duals); MILPs → glpk.js briefly, then HiGHS. An explicit backend wins. */
export function chooseBackend(model: LinearModel, requested: SolveOptions["backend"]): BackendPlan {
  if (requested === "glpk" || requested === "highs") return requested;
  return countIntegerVars(model) > 0 ? "glpk-then-highs" : "glpk";
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
  const plan = chooseBackend(model, opts.backend);
  const settings = {
    timeLimitSec: opts.timeLimitSec ?? DEFAULT_TIME_LIMIT_SEC,
    mipGap: opts.mipGap ?? DEFAULT_MIP_GAP,
  };
  let backend: BackendName = plan === "highs" ? "highs" : "glpk";
  try {
    if (plan === "highs") return ok(await solveWithHighs(model, settings));
    if (plan === "glpk") return ok(await solveWithGlpk(model, settings));
    const firstSec = Math.min(GLPK_FIRST_SEC, settings.timeLimitSec / 10);
    const first = await solveWithGlpk(model, { ...settings, timeLimitSec: firstSec, quick: true });
    // Settled: proven optimal (within the gap), infeasible or unbounded.
    if (first.status !== "feasible-with-gap" && first.status !== "time-limit") return ok(first);
    backend = "highs";
    const rest = Math.max(settings.timeLimitSec - first.timeMs / 1000, 0.1);
    const second = await solveWithHighs(model, { ...settings, timeLimitSec: rest });
    // The reported time is the whole call, both attempts.
    return ok({ ...second, timeMs: second.timeMs + first.timeMs });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return fail({ code: "solver_error", message: `The ${backend} solver failed: ${detail}` });
  }
}
