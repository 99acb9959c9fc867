/**
 * The one solver-neutral model every optimisation problem is built into. Backends (glpk.js, HiGHS)
 * translate it; explanations read the constraint metadata, so problem builders attach plain-word
 * labels here rather than in each backend.
 */

export type VarType = "continuous" | "integer" | "binary";

export interface ModelVar {
  name: string;
  lb: number;
  ub: number;
  type: VarType;
  /** Objective coefficient. */
  cost: number;
}

export interface Term {
  /** Index into `LinearModel.vars`. */
  v: number;
  coef: number;
}

/** How a constraint reads to a person; used by shadow-price and infeasibility explanations. */
export interface ConstraintMeta {
  /** e.g. "the warehouse capacity", "Tuesday night". */
  label: string;
  /** Unit of the right-hand side, e.g. "m³", "$", "staff". */
  unit?: string;
  /**
   * Set when the constraint is a business requirement the elastic model may relax to explain
   * infeasibility; `describeShortfall(amount)` phrases how far it could not be met.
   */
  requirement?: { describeShortfall: (amount: number) => string };
  /** Whether its shadow price is worth telling a person about. */
  explain?: boolean;
  /** Phrases the value of one more unit of the right-hand side (positive = objective improves). */
  describeShadow?: (improvementPerUnit: number) => string;
}

export interface ModelConstraint {
  name: string;
  terms: Term[];
  /** -Infinity when unbounded below. */
  lb: number;
  /** +Infinity when unbounded above. */
  ub: number;
  meta?: ConstraintMeta;
}

export interface LinearModel {
  name: string;
  sense: "min" | "max";
  vars: ModelVar[];
  constraints: ModelConstraint[];
}

/** Names that are safe in CPLEX LP files and glpk.js (letters, digits, underscore; ≤ 255 chars). */
function safeName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 200);
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `n_${cleaned}`;
}

/** Incremental builder that keeps names unique and LP-safe. */
export class ModelBuilder {
  private readonly vars: ModelVar[] = [];
  private readonly constraints: ModelConstraint[] = [];
  private readonly names = new Set<string>();

  constructor(
    private readonly name: string,
    private readonly sense: "min" | "max",
  ) {}

  private unique(raw: string): string {
    let n = safeName(raw);
    if (this.names.has(n)) {
      let i = 2;
      while (this.names.has(`${n}_${i}`)) i++;
      n = `${n}_${i}`;
    }
    this.names.add(n);
    return n;
  }

  /** Adds a variable and returns its index. */
  addVar(name: string, opts: { lb?: number; ub?: number; type?: VarType; cost?: number } = {}): number {
    const type = opts.type ?? "continuous";
    this.vars.push({
      name: this.unique(name),
      lb: type === "binary" ? 0 : (opts.lb ?? 0),
      ub: type === "binary" ? 1 : (opts.ub ?? Number.POSITIVE_INFINITY),
      type,
      cost: opts.cost ?? 0,
    });
    return this.vars.length - 1;
  }

  /** Adds `lb ≤ Σ coef·x ≤ ub` and returns its index. */
  addConstraint(
    name: string,
    terms: Term[],
    bounds: { lb?: number; ub?: number },
    meta?: ConstraintMeta,
  ): number {
    this.constraints.push({
      name: this.unique(name),
      terms: terms.filter((t) => t.coef !== 0),
      lb: bounds.lb ?? Number.NEGATIVE_INFINITY,
      ub: bounds.ub ?? Number.POSITIVE_INFINITY,
      ...(meta ? { meta } : {}),
    });
    return this.constraints.length - 1;
  }

  build(): LinearModel {
    return { name: safeName(this.name), sense: this.sense, vars: this.vars, constraints: this.constraints };
  }
}

export function countIntegerVars(model: LinearModel): number {
  let n = 0;
  for (const v of model.vars) if (v.type !== "continuous") n++;
  return n;
}

/** Size limits, stated to the user when a problem is refused. */
export const SIZE_LIMITS = { integerVars: 20_000, vars: 200_000, constraints: 200_000 } as const;

/** Returns a plain-words refusal when the model exceeds the limits, else null. */
export function checkSize(model: LinearModel): string | null {
  const ints = countIntegerVars(model);
  if (ints > SIZE_LIMITS.integerVars) {
    return `This problem needs ${ints.toLocaleString("en-US")} yes/no decisions; the limit is ${SIZE_LIMITS.integerVars.toLocaleString("en-US")}. Split it (e.g. fewer weeks or one team at a time).`;
  }
  if (model.vars.length > SIZE_LIMITS.vars) {
    return `This problem has ${model.vars.length.toLocaleString("en-US")} variables; the limit is ${SIZE_LIMITS.vars.toLocaleString("en-US")}.`;
  }
  if (model.constraints.length > SIZE_LIMITS.constraints) {
    return `This problem has ${model.constraints.length.toLocaleString("en-US")} constraints; the limit is ${SIZE_LIMITS.constraints.toLocaleString("en-US")}.`;
  }
  return null;
}

/** Copy of the model with every integer/binary variable made continuous (the LP relaxation). */
export function relax(model: LinearModel): LinearModel {
  return { ...model, vars: model.vars.map((v) => ({ ...v, type: "continuous" as const })) };
}
