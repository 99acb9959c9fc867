/** Vocabulary shared by both solver backends and the problem builders. */

export type SolveStatus = "optimal" | "feasible-with-gap" | "infeasible" | "unbounded" | "time-limit";
export type BackendName = "glpk" | "highs";

export interface SolveOptions {
  /** "auto" (default): LPs → glpk.js (duals), MILPs → HiGHS. */
  backend?: BackendName | "auto";
  /** Wall-clock limit in seconds (default 30). A limited run returns the best plan found. */
  timeLimitSec?: number;
  /** Relative MIP gap at which the search stops (default 0.0001 = 0.01 %). */
  mipGap?: number;
}

/** What a backend hands back, indexed like the model's vars and constraints. */
export interface RawSolution {
  status: SolveStatus;
  objective: number | null;
  values: number[] | null;
  /** d(objective)/d(rhs) per constraint; LPs only. */
  duals: number[] | null;
  /** Relative gap between the plan and the best bound; 0 when proven optimal, null for LPs. */
  mipGap: number | null;
  timeMs: number;
  backend: BackendName;
}

export const DEFAULT_TIME_LIMIT_SEC = 30;
export const DEFAULT_MIP_GAP = 1e-4;
/**
 * "auto" on a MILP: glpk.js gets this long first (capped at a tenth of the time limit). Measured in
 * bench/optimize (see README): easy MILPs — LP relaxation (almost) integral — are proven optimal by
 * glpk.js in 0.02–0.4 s, 0.03–0.15 s faster than HiGHS; tight scheduling models stall glpk.js at
 * any size (105 binaries: not optimal after 10 s) while HiGHS proves them in seconds. No size
 * threshold separates the two, so glpk.js's own progress decides: not proven optimal (or
 * infeasible) within this budget → HiGHS with the remaining time.
 */
export const GLPK_FIRST_SEC = 1;
