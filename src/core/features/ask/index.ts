/** Ask anything about your numbers: questions → typed queries → SQL with a source per figure. */
export { type AskOutcome, askQuestion, isNonsense, loadVocabulary, renderResult } from "./answer.js";
export { allowed, DEFINITIONS, type MeasureDefinition } from "./definitions.js";
export { type ExecuteContext, executeQuery, type Figure, type QueryResult } from "./execute.js";
export { type AnswerFacts, answerFacts, type PhraseFact } from "./facts.js";
export { detectLanguage, guessLanguage, LANGS, type Lang, phrase, toneOf, writtenIn } from "./language.js";
export { checkModelQuery, type ModelRejection, parseWithModel } from "./model.js";
export { followUpQuery, normalise, parseQuestion, parseWindow, type Vocabulary } from "./parse.js";
export { checkPhrasing, type PhraseRefusal, phraseAnswer } from "./phrase.js";
export { type BusinessQuery, MAX_LIMIT, MEASURES, querySchema } from "./query.js";
export { localToday, previousWindow, resolveWindow } from "./window.js";
