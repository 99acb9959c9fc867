import type { Result } from "../../kernel/errors.js";
import { type BudgetData, type BudgetPlan, budgetInputSchema } from "./budget-schema.js";
import { clean, money } from "./format.js";
import { ModelBuilder, type Term } from "./model.js";
import { type OptimizeResult, type RunSpec, runProblem } from "./result.js";
import type { OptimizeFailure } from "./solve.js";
import type { SolveOptions } from "./solver-types.js";
import { parseInput } from "./validate.js";

/**
 * Builds the allocation LP. Because the curves are concave (returns diminish), one continuous
 * variable per segment is enough: the LP fills the better segments first on its own, no binaries.
 */
export function buildBudgetModel(data: BudgetData): RunSpec<BudgetPlan> {
  const b = new ModelBuilder("budget", "max");
  const cur = data.currency;
  const profit = data.objective === "profit";
  const segVars = data.channels.map((c, ci) =>
    c.segments.map((s, k) =>
      b.addVar(`y_${ci}_${k}`, { ub: s.spend, cost: s.returnPerUnit - (profit ? 1 : 0) }),
    ),
  );
  const gainWord = profit ? "profit" : "return";
  const all: Term[] = [];
  const preCheck: string[] = [];
  data.channels.forEach((c, ci) => {
    const name = c.name ?? c.key;
    const terms = (segVars[ci] ?? []).map((v) => ({ v, coef: 1 }));
    all.push(...terms);
    const curveEnd = c.segments.reduce((s, seg) => s + seg.spend, 0);
    if (c.min > curveEnd + 1e-9) {
      preCheck.push(
        `${name} must get at least ${money(c.min, cur)}, but its response curve only covers ${money(curveEnd, cur)} of spend.`,
      );
    }
    if (c.min > 0) {
      b.addConstraint(
        `min_${ci}`,
        terms,
        { lb: c.min },
        {
          label: `the minimum for ${name}`,
          explain: true,
          requirement: {
            describeShortfall: (a) =>
              `${name} must get at least ${money(c.min, cur)}; only ${money(Math.max(0, c.min - a), cur)} fits.`,
          },
          describeShadow: (gain) =>
            `The minimum spend on ${name} is binding: each ${money(1, cur)} forced there loses ${money(Math.abs(gain), cur)} of ${gainWord} compared with the best other use.`,
        },
      );
    }
    if (c.max !== undefined && c.max < curveEnd) {
      b.addConstraint(
        `max_${ci}`,
        terms,
        { ub: c.max },
        {
          label: `the cap on ${name}`,
          explain: true,
          describeShadow: (gain) =>
            `The cap on ${name} is binding: raising it by ${money(1, cur)} would add ${money(gain, cur)} of ${gainWord}.`,
        },
      );
    }
  });
  const minTotal = data.channels.reduce((s, c) => s + c.min, 0);
  if (minTotal > data.totalBudget + 1e-9) {
    preCheck.push(
      `The channel minimums add up to ${money(minTotal, cur)}, more than the ${money(data.totalBudget, cur)} budget.`,
    );
  }
  b.addConstraint(
    "total",
    all,
    { ub: data.totalBudget },
    {
      label: "the total budget",
      explain: true,
      requirement: {
        describeShortfall: (a) =>
          `The budget would need ${money(a, cur)} more to cover every channel minimum.`,
      },
      describeShadow: (gain) =>
        `The total budget is binding: one more ${money(1, cur)} would add ${money(gain, cur)} of ${gainWord} (${money(gain * 1000, cur)} per ${money(1000, cur)}).`,
    },
  );
  return {
    problem: "budget",
    model: b.build(),
    objectiveLabel: profit ? "expected profit" : "expected return",
    currency: cur,
    preCheck,
    readPlan: (values) => readBudgetPlan(data, segVars, values),
    summarize: (plan) => [
      `Spend ${money(plan.totalSpend, cur)} of ${money(data.totalBudget, cur)} for an expected return of ${money(plan.totalReturn, cur)}: ${plan.channels
        .filter((c) => c.spend > 0)
        .map((c) => `${c.name} ${money(c.spend, cur)}`)
        .join(", ")}.`,
    ],
  };
}

function readBudgetPlan(data: BudgetData, segVars: number[][], values: number[]): BudgetPlan {
  const channels = data.channels.map((c, ci) => {
    let spend = 0;
    let ret = 0;
    let marginal = 0;
    let found = false;
    c.segments.forEach((s, k) => {
      const y = clean(values[segVars[ci]?.[k] ?? -1] ?? 0);
      spend += y;
      ret += y * s.returnPerUnit;
      if (!found && y < s.spend - 1e-6) {
        marginal = s.returnPerUnit;
        found = true;
      }
    });
    return {
      key: c.key,
      name: c.name ?? c.key,
      spend: clean(spend, 2),
      expectedReturn: clean(ret, 2),
      marginalReturn: marginal,
    };
  });
  const totalSpend = clean(
    channels.reduce((s, c) => s + c.spend, 0),
    2,
  );
  return {
    channels,
    totalSpend,
    totalReturn: clean(
      channels.reduce((s, c) => s + c.expectedReturn, 0),
      2,
    ),
    unspent: clean(data.totalBudget - totalSpend, 2),
  };
}

/**
 * Splits a marketing budget over channels with diminishing (piecewise-linear concave) returns,
 * respecting per-channel minimums and caps. Never throws.
 */
export async function solveBudget(
  input: unknown,
  opts: SolveOptions = {},
): Promise<Result<OptimizeResult<BudgetPlan>, OptimizeFailure>> {
  const parsed = parseInput(budgetInputSchema, input, "budget");
  if (!parsed.ok) return parsed;
  return runProblem(() => buildBudgetModel(parsed.value), opts);
}
