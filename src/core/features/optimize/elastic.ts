import type { LinearModel, ModelConstraint, ModelVar } from "./model.js";
import { solveModel } from "./solve.js";
import type { SolveOptions } from "./solver-types.js";

/**
 * Finds which requirements cannot be met. Every constraint marked as a requirement gets a slack
 * variable; the model then minimises total slack alone (hard rules such as "one shift per day"
 * stay hard). The constraints left with positive slack are the ones that cannot be met, and the
 * slack is by how much.
 */
export async function diagnoseInfeasibility(model: LinearModel, opts: SolveOptions): Promise<string[]> {
  const vars: ModelVar[] = model.vars.map((v) => ({ ...v, cost: 0 }));
  const slackOf: { constraint: ModelConstraint; vars: number[] }[] = [];
  const constraints = model.constraints.map((c) => {
    if (!c.meta?.requirement) return c;
    const terms = [...c.terms];
    const own: number[] = [];
    if (Number.isFinite(c.lb)) {
      vars.push({
        name: `slack_lo_${c.name}`,
        lb: 0,
        ub: Number.POSITIVE_INFINITY,
        type: "continuous",
        cost: 1,
      });
      terms.push({ v: vars.length - 1, coef: 1 });
      own.push(vars.length - 1);
    }
    if (Number.isFinite(c.ub)) {
      vars.push({
        name: `slack_up_${c.name}`,
        lb: 0,
        ub: Number.POSITIVE_INFINITY,
        type: "continuous",
        cost: 1,
      });
      terms.push({ v: vars.length - 1, coef: -1 });
      own.push(vars.length - 1);
    }
    slackOf.push({ constraint: c, vars: own });
    return { ...c, terms };
  });
  const elastic: LinearModel = { name: `${model.name}_elastic`, sense: "min", vars, constraints };
  const res = await solveModel(elastic, { ...opts, timeLimitSec: Math.min(opts.timeLimitSec ?? 20, 20) });
  if (!res.ok || !res.value.values) {
    return [
      "The requirements conflict with the fixed rules in a way I could not pin down within the time limit.",
    ];
  }
  const values = res.value.values;
  const messages: string[] = [];
  for (const { constraint, vars: own } of slackOf) {
    const shortfall = own.reduce((s, v) => s + (values[v] ?? 0), 0);
    if (shortfall > 1e-6)
      messages.push(constraint.meta?.requirement?.describeShortfall(shortfall) ?? constraint.name);
  }
  return messages.length > 0
    ? messages
    : ["The rules contradict each other even before any requirement is applied."];
}
