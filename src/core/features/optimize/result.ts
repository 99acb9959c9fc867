import type { Result } from "../../kernel/errors.js";
import { fail, ok } from "../../kernel/errors.js";
import { diagnoseInfeasibility } from "./elastic.js";
import { type BindingConstraint, bindingConstraints } from "./explain.js";
import { pct } from "./format.js";
import type { LinearModel } from "./model.js";
import { type OptimizeFailure, solveModel } from "./solve.js";
import {
  type BackendName,
  DEFAULT_TIME_LIMIT_SEC,
  type SolveOptions,
  type SolveStatus,
} from "./solver-types.js";

export type ProblemKind = "inventory" | "staffing" | "budget";

/** What every optimisation returns: a readable plan plus how it was found and why it looks so. */
export interface OptimizeResult<P> {
  problem: ProblemKind;
  status: SolveStatus;
  /** null when there is no plan (infeasible, unbounded, or no plan found in time). */
  plan: P | null;
  objective: number | null;
  /** e.g. "total cost", "expected return". */
  objectiveLabel: string;
  mipGap: number | null;
  solveTimeMs: number;
  backend: BackendName;
  /** Binding constraints with shadow prices (LPs only). */
  binding: BindingConstraint[];
  /** Requirements that cannot be met (infeasible only). */
  unmet: string[];
  /** Plain-word sentences, most important first. */
  explanation: string[];
  currency: string;
}

export interface RunSpec<P> {
  problem: ProblemKind;
  model: LinearModel;
  objectiveLabel: string;
  currency: string;
  /** Requirements already known to be impossible by simple counting (checked before solving). */
  preCheck: string[];
  readPlan: (values: number[]) => P;
  /** Extra sentences about the plan (e.g. "3 products are under-stocked"). */
  summarize?: (plan: P) => string[];
}

/** Solves, interprets and explains one problem; never throws. */
export async function runProblem<P>(
  build: () => RunSpec<P>,
  opts: SolveOptions,
): Promise<Result<OptimizeResult<P>, OptimizeFailure>> {
  try {
    const spec = build();
    const base = {
      problem: spec.problem,
      objectiveLabel: spec.objectiveLabel,
      currency: spec.currency,
    };
    const solved = await solveModel(spec.model, opts);
    if (!solved.ok) return solved;
    const sol = solved.value;
    const plan = sol.values ? spec.readPlan(sol.values) : null;
    const binding = bindingConstraints(spec.model, sol);
    let unmet: string[] = [];
    const explanation: string[] = [];
    if (sol.status === "infeasible") {
      // Simple counts explain most cases in the user's own terms; the elastic model finds the rest.
      unmet = spec.preCheck.length > 0 ? spec.preCheck : await diagnoseInfeasibility(spec.model, opts);
      explanation.push("No plan meets every requirement.", ...unmet);
    } else if (sol.status === "unbounded") {
      explanation.push(
        "The plan is unbounded: some quantity can grow without limit. A cap (budget, capacity or maximum) is missing.",
      );
    } else if (sol.status === "time-limit") {
      const limit = opts.timeLimitSec ?? DEFAULT_TIME_LIMIT_SEC;
      explanation.push(
        `No plan was found within the ${limit} s time limit. Allow more time or simplify the problem.`,
      );
    } else {
      if (sol.status === "feasible-with-gap") {
        const gap = sol.mipGap === null ? "an unknown margin" : pct(sol.mipGap, 2);
        explanation.push(
          `Stopped at the time limit with the best plan found so far; it is within ${gap} of the best possible ${spec.objectiveLabel}.`,
        );
      }
      if (plan && spec.summarize) explanation.push(...spec.summarize(plan));
      explanation.push(...binding.map((b) => b.text));
    }
    return ok({
      ...base,
      status: sol.status,
      plan,
      objective: sol.objective,
      mipGap: sol.mipGap,
      solveTimeMs: Math.round(sol.timeMs),
      backend: sol.backend,
      binding,
      unmet,
      explanation,
    });
  } catch (err) {
    // Interpreting a plan must not take the caller down either.
    return fail({ code: "solver_error", message: err instanceof Error ? err.message : String(err) });
  }
}
