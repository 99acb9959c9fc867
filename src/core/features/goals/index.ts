/**
 * Goal planner (LangGraph) and tracking: the public surface of the feature. The graph itself
 * (./graph.js) is imported on demand by planGoalReply, so importing this index does not load LangGraph.
 */

export { gatherMetricContext, type MetricContext, outlookFor } from "./context.js";
export * from "./feature.js";
export type { GoalPlanner, PlannerStateT } from "./graph.js";
export { computePace, type GoalPace, goalPace, recordCheckin } from "./pace.js";
export { DEFAULT_HORIZON_DAYS, parseDeadline, parseGoalText } from "./rules.js";
export { extractedIntentSchema, smartGoalsSchema } from "./schemas.js";
export { goalTitle, templateGoals } from "./template.js";
export type * from "./types.js";
export { acceptGoalReply, goalPacesFor, goalsReply, planGoalReply } from "./use-cases.js";
export { feedbackFrom, judgeAchievability, validateGoal } from "./validate.js";
