/** Numeric provenance: every figure in a reply comes from computed data, and says where from. */
export {
  collectComputed,
  collectFigures,
  type FigureContext,
  factContext,
  mergeFigures,
} from "./context.js";
export {
  count,
  currencyCompatible,
  day,
  days,
  type FactKind,
  money,
  percent,
  ratio,
  type TypedFact,
} from "./facts.js";
export * from "./feature.js";
export { type GuardedText, guardFigures } from "./guard.js";
export {
  type DateMention,
  extractDates,
  extractNumbers,
  type MentionKind,
  type NumberMention,
  normalizeDigits,
} from "./numbers.js";
export {
  checkOutput,
  type OutputFinding,
  type OutputFlag,
  type OutputPolicy,
} from "./output.js";
export { referenceFigures } from "./references.js";
export {
  lastSources,
  type RememberedSources,
  rememberReplySources,
  rememberSources,
  sourcesReply,
} from "./sources-store.js";
export { checkFigures, type FigureCheck, type FigureCheckOptions } from "./validate.js";
