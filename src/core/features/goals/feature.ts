import { defineFeature } from "../../intents/feature.js";
import { acceptGoalReply, goalsReply, planGoalReply } from "./use-cases.js";

/** SMART goals: planned by the goal graph, accepted, then tracked for pace. */
export const goalsFeature = defineFeature({
  name: "goals",
  intents: {
    "goal.plan": {
      permission: "metrics.read",
      refusal: "Your role ({role}) cannot see metrics.",
      handle: (deps, i, actor) => planGoalReply(deps, actor, i.text),
    },
    "goal.accept": {
      permission: "goals.manage",
      refusal: "Your role ({role}) cannot set goals; ask an owner or manager.",
      handle: (deps, i, actor) => acceptGoalReply(deps, actor, i.goalRef),
    },
    "goals.list": { permission: "anyone", handle: (deps, _i, actor) => goalsReply(deps, actor) },
  },
  commands: [
    {
      name: "goal",
      usage: "goal WHAT YOU WANT  |  goals  |  goal accept N",
      summary: "plan and track SMART goals",
      aliases: ["goals"],
    },
  ],
});
