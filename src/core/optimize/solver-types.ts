/** Vocabulary shared by both solver backends and the problem builders. */

export type SolveStatus = "optimal" | "feasible-with-gap" | "infeasible" | "unbounded" | "time-limit";
export type BackendName = "glpk" | "highs";

export interface SolveOptions {
  /** "auto" (default) picks by size: LPs and small MILPs → glpk.js, larger MILPs → HiGHS. */
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
/** Above this many integer variables "auto" sends a MILP to HiGHS (measured in bench/optimize). */
export const HIGHS_INTEGER_THRESHOLD = 1_500;
