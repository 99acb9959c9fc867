import type { LinearModel } from "./model.js";
import type { RawSolution } from "./solver-types.js";

export interface BindingConstraint {
  name: string;
  label: string;
  /** Objective improvement from one more unit of the right-hand side (positive = better). */
  improvementPerUnit: number;
  text: string;
}

const EPS = 1e-7;

/**
 * Constraints whose shadow price is non-zero, i.e. the ones that shape the plan, each with the
 * value of relaxing it by one unit. Only LP solutions carry duals; MILPs return [].
 */
export function bindingConstraints(model: LinearModel, sol: RawSolution, limit = 5): BindingConstraint[] {
  if (!sol.duals) return [];
  const out: BindingConstraint[] = [];
  model.constraints.forEach((c, i) => {
    const dual = sol.duals?.[i] ?? 0;
    if (!c.meta?.explain || Math.abs(dual) < EPS) return;
    // Duals are d(objective)/d(rhs) on both backends; "improvement" flips the sign for minimisation.
    const improvementPerUnit = model.sense === "min" ? -dual : dual;
    const text = c.meta.describeShadow?.(improvementPerUnit) ?? `${c.meta.label} is binding.`;
    out.push({ name: c.name, label: c.meta.label, improvementPerUnit, text });
  });
  return out.sort((a, b) => Math.abs(b.improvementPerUnit) - Math.abs(a.improvementPerUnit)).slice(0, limit);
}
