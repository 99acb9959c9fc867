/** Numeric provenance: every figure in a reply comes from computed data, and says where from. */
export { collectFigures, type FigureContext, mergeFigures } from "./context.js";
export { type GuardedText, guardFigures } from "./guard.js";
export {
  type DateMention,
  extractDates,
  extractNumbers,
  type NumberMention,
  normalizeDigits,
} from "./numbers.js";
export {
  lastSources,
  type RememberedSources,
  rememberSources,
  sourcesReply,
  withSourceMemory,
} from "./sources-store.js";
export { checkFigures, type FigureCheck, type FigureCheckOptions } from "./validate.js";
