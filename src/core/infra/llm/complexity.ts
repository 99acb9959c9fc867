/**
 * Query complexity in [0, 1], a weighted sum of four capped signals:
 *
 * | signal                     | measure                                                   | cap   | weight |
 * |----------------------------|-----------------------------------------------------------|-------|--------|
 * | length                     | words                                                     | 40    | 0.30   |
 * | reasoning / comparison     | distinct reasoning keywords (why, compare, vs, should…)   | 3     | 0.35   |
 * | multi-step                 | step markers (then, also, first, numbered items, extra ?)  | 3     | 0.20   |
 * | entities                   | capitalised names, amounts, percentages, dates            | 5     | 0.15   |
 *
 * Each signal is min(count / cap, 1) × weight. "How is my business doing?" scores ~0.05;
 * "Compare Acme and Globex deals, explain why Q3 margin fell vs Q2, then recommend a plan" ~0.7.
 * Pure and deterministic: the same text always gets the same score.
 */
export interface ComplexityBreakdown {
  score: number;
  words: number;
  reasoning: number;
  steps: number;
  entities: number;
}

const REASONING = [
  /\bwhy\b/,
  /\bcompar(e|ed|ing|ison)\b/,
  /\bvs\.?\b|\bversus\b/,
  /\btrade-?offs?\b/,
  /\bexplain\b/,
  /\banaly[sz](e|is)\b/,
  /\bstrateg(y|ic|ies)\b/,
  /\bshould (we|i)\b/,
  /\bpros and cons\b/,
  /\bimpact\b/,
  /\bwhat if\b|\bscenarios?\b/,
  /\bprioriti[sz]e\b/,
  /\brecommend(ation)?s?\b/,
  /\broot cause\b/,
  /\bcorrelat/,
  /\bbreak ?down\b/,
  /\bimplications?\b/,
  /\bjustify\b/,
  /\bgiven (that|our|my|the)\b/,
  /\bfocus on\b/,
  /\bhow (can|could|do) (we|i) (improve|grow|increase|reduce|fix)\b/,
  /\bbest (way|option|approach)\b/,
  /\bwhat should\b/,
];

const STEPS = [
  /\bthen\b/g,
  /\balso\b/g,
  /\bfirst(ly)?\b/g,
  /\bfinally\b/g,
  /\bafter that\b/g,
  /\bstep by step\b/g,
  /(^|\n)\s*\d+[.)]\s/g,
  /\band (draft|write|send|list|explain|calculate)\b/g,
  /\band (what|how|which|why)\b/g,
];

const ENTITY =
  /\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b|[$€£]\s?\d[\d,.]*[kKmM]?|\b\d+(?:[.,]\d+)?\s?%|\b\d{4}-\d{2}-\d{2}\b|\bQ[1-4]\b/g;
const SENTENCE_START_WORDS = new Set([
  "How",
  "What",
  "Why",
  "When",
  "Where",
  "Who",
  "Which",
  "Can",
  "Could",
  "Should",
  "Is",
  "Are",
  "Do",
  "Does",
  "Please",
  "I",
  "The",
  "And",
  "Then",
  "Also",
  "Hi",
  "Hey",
  "Tell",
  "Show",
  "Give",
  "Compare",
  "Explain",
]);

const W = { length: 0.3, reasoning: 0.35, steps: 0.2, entities: 0.15 };
const CAP = { words: 40, reasoning: 3, steps: 3, entities: 5 };

export function complexity(text: string): ComplexityBreakdown {
  const lower = text.toLowerCase();
  const words = text.split(/\s+/).filter(Boolean).length;
  const reasoning = REASONING.filter((re) => re.test(lower)).length;
  let steps = STEPS.reduce((n, re) => n + (lower.match(re)?.length ?? 0), 0);
  steps += Math.max(0, (text.match(/\?/g)?.length ?? 0) - 1);
  const entities = (text.match(ENTITY) ?? []).filter((e) => !SENTENCE_START_WORDS.has(e)).length;
  const part = (n: number, cap: number) => Math.min(n / cap, 1);
  const score =
    W.length * part(words, CAP.words) +
    W.reasoning * part(reasoning, CAP.reasoning) +
    W.steps * part(steps, CAP.steps) +
    W.entities * part(entities, CAP.entities);
  return { score: Math.round(score * 1000) / 1000, words, reasoning, steps, entities };
}
