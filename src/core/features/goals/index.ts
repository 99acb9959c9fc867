/** Goal planner (LangGraph) and tracking: the public surface of the feature. */

export { gatherMetricContext, type MetricContext, outlookFor } from "./context.js";
export * from "./feature.js";
export {
  buildGoalPlanner,
  type GoalPlanner,
  MAX_REVISIONS,
  PlannerState,
  type PlannerStateT,
  routeAfterGather,
  routeAfterValidate,
  runGoalPlanner,
} from "./graph.js";
export { computePace, type GoalPace, goalPace, recordCheckin } from "./pace.js";
export { DEFAULT_HORIZON_DAYS, parseDeadline, parseGoalText } from "./rules.js";
export { extractedIntentSchema, smartGoalsSchema } from "./schemas.js";
export { goalTitle, templateGoals } from "./template.js";
export type * from "./types.js";
export { acceptGoalReply, goalsReply, planGoalReply } from "./use-cases.js";
export { feedbackFrom, judgeAchievability, validateGoal } from "./validate.js";
