/**
 * Query complexity in [0, 1], a weighted sum of five capped signals:
 *
 * | signal                     | measure                                                    | cap   | weight |
 * |----------------------------|------------------------------------------------------------|-------|--------|
 * | length                     | words                                                      | 40    | 0.25   |
 * | reasoning / comparison     | families: explain, compare, analyse, advise                | 3     | 0.35   |
 * | multi-step                 | step markers (then, also, first, numbered items, extra ?)   | 3     | 0.15   |
 * | entities                   | capitalised names, amounts, percentages, dates             | 5     | 0.10   |
 * | generation task            | writing for someone (draft, write, summarise, plan…)       | 1     | 0.15   |
 *
 * Keywords are read in English, Spanish, German and Arabic (accents folded), so a question in
 * another language is scored like its English twin. Each signal is min(count / cap, 1) × weight.
 * "How is my business doing?" scores ~0.03; "draft a reminder to Acme about invoice 1042" ~0.28;
 * "Compare Acme and Globex deals, explain why Q3 margin fell vs Q2, then recommend a plan" ~0.8.
 * Pure and deterministic: the same text always gets the same score. Labelled set and agreement:
 * test/support/routing-corpus.ts, test/unit/llm/routing-corpus.test.ts, `npm run bench:llm-routing`.
 */
export interface ComplexityBreakdown {
  score: number;
  words: number;
  reasoning: number;
  steps: number;
  entities: number;
  /** 1 when the text asks for something written (a draft, a summary, a plan). */
  task: number;
}

/**
 * Reasoning keywords in four families; a family counts once however many of its words occur
 * ("what should I focus on, should we…" is one request for advice, not three signals).
 */
const REASONING: RegExp[] = [
  // explain
  /\bwhy\b|\bexplain\b|\broot cause\b|\bjustify\b|\bwalk me through\b|\bpor que\b|\bexplica(r)?\b|\bwarum\b|\bweshalb\b|\berklar(e|en)?\b|لماذا|اشرح/,
  // compare
  /\bcompar(e|ed|ing|ison)\b|\bvs\.?\b|\bversus\b|\bcompar(a|ar|ado|acion)\b|\bfrente a\b|\bverglei(ch|che|chen|chsweise)\b|قارن|مقارنة/,
  // analyse
  /\banaly[sz](e|is)\b|\bbreak ?down\b|\bcorrelat|\bimpact\b|\bimplications?\b|\bwhat if\b|\bscenarios?\b|\btrade-?offs?\b|\bpros and cons\b|\brisks?\b|\banaliz(a|ar|is)\b|\bescenarios?\b|\briesgos?\b|\banalys(iere|ieren|e)\b|\bszenari(o|en)\b|\bvor- und nachteile\b|\bursachen\b|حلل|تحليل|ماذا لو/,
  // advise
  /\bshould (we|i)\b|\bwhat should\b|\bfocus on\b|\bbest (way|option|approach)\b|\brecommend(ation)?s?\b|\bprioriti[sz]e\b|\bstrateg(y|ic|ies)\b|\bpropose\b|\bsuggest\b|\bgiven (that|our|my|the)\b|\bhow (can|could|do) (we|i) (improve|grow|increase|reduce|fix)\b|\bdeberiamos\b|\bque deberia|\brecomiend(a|as)\b|\brecomendacion|\bestrategia\b|\bsollten wir\b|\bempfiehl|\bempfehl(ung|en)\b|\bstrategie\b|اقترح|أوصي|توصية|استراتيجية/,
];

/** Asking for text written for someone (a draft, a summary, a plan) needs more than a lookup. */
const TASK = [
  /\bdraft\b|\bwrite\b|\bcompose\b|\bsummari[sz]e\b|\bsummary\b|\bupdate on\b|\bplan\b|\bprepare\b|\boutline\b/,
  /\bredacta\b|\bescribe\b|\bresum(e|en|ir)\b|\bplanifica\b/,
  /\bentw(irf|urf)\b|\bschreib(e|en)?\b|\bzusammenfass/,
  /اكتب|لخص|ملخص|خطة/,
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
  /\by (despues|luego)\b|\bprimero\b|\bluego\b/g,
  /\bdann\b|\bzuerst\b|\bausserdem\b/g,
  /ثم|أولا|أيضا/g,
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

const W = { length: 0.25, reasoning: 0.35, steps: 0.15, entities: 0.1, task: 0.15 };
const CAP = { words: 40, reasoning: 3, steps: 3, entities: 5, task: 1 };

export function complexity(text: string): ComplexityBreakdown {
  const lower = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFC")
    .toLowerCase();
  const words = text.split(/\s+/).filter(Boolean).length;
  const reasoning = REASONING.filter((re) => re.test(lower)).length;
  let steps = STEPS.reduce((n, re) => n + (lower.match(re)?.length ?? 0), 0);
  steps += Math.max(0, (text.match(/\?/g)?.length ?? 0) - 1);
  const entities = (text.match(ENTITY) ?? []).filter((e) => !SENTENCE_START_WORDS.has(e)).length;
  const task = TASK.some((re) => re.test(lower)) ? 1 : 0;
  const part = (n: number, cap: number) => Math.min(n / cap, 1);
  const score =
    W.task * part(task, CAP.task) +
    W.length * part(words, CAP.words) +
    W.reasoning * part(reasoning, CAP.reasoning) +
    W.steps * part(steps, CAP.steps) +
    W.entities * part(entities, CAP.entities);
  return { score: Math.round(score * 1000) / 1000, words, reasoning, steps, entities, task };
}
