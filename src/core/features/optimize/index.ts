/** Optimisation: inventory (LP), staff scheduling (MILP), marketing budget allocation (LP). */

export { buildBudgetModel, solveBudget } from "./budget.js";
export { type BudgetData, type BudgetInput, type BudgetPlan, budgetInputSchema } from "./budget-schema.js";
export { type AnyOptimizeResult, describePlan } from "./describe.js";
export * from "./feature.js";
export { buildInventoryModel, solveInventory } from "./inventory.js";
export {
  type InventoryData,
  type InventoryInput,
  type InventoryPlan,
  inventoryInputSchema,
} from "./inventory-schema.js";
export { toCplexLp } from "./lp-format.js";
export { type LinearModel, ModelBuilder, SIZE_LIMITS } from "./model.js";
export { planReply } from "./plan-reply.js";
export type { OptimizeResult, ProblemKind } from "./result.js";
export { chooseBackend, type OptimizeFailure, solveModel } from "./solve.js";
export type { BackendName, SolveOptions, SolveStatus } from "./solver-types.js";
export { buildStaffingModel, solveStaffing } from "./staffing.js";
export {
  type StaffingData,
  type StaffingInput,
  type StaffingPlan,
  staffingInputSchema,
} from "./staffing-schema.js";
