export {
  answerCoach,
  type CoachInput,
  EMPTY_MESSAGE_REPLY,
  MAX_INPUT_CHARS,
  TOO_LONG_REPLY,
} from "./answer.js";
export { type ClassifiedIntent, type ClassifyContext, classifyIntent } from "./classify.js";
export { coachFeature } from "./feature.js";
export { type BusinessFigures, computeFigures, describeFigures } from "./figures.js";
export { coachHandler } from "./handler.js";
export { FOLD_BATCH, WINDOW } from "./history.js";
export { featureIntentFor } from "./route.js";
