/**
 * Does a message lean on earlier turns? Pronouns and demonstratives standing for something said
 * before ("why did it drop?", "tell me more about them"), follow-up openers ("and last month?",
 * "what about Acme?", "same for Q3"), and references to the conversation ("you said", "earlier",
 * "again"). In English, Spanish, German, French and Portuguese.
 *
 * Only such messages get the conversation history (and so key the cache by it); a self-contained
 * question is answered from this turn's facts alone — which is what lets a second person asking
 * the same thing reuse the answer, and keeps one person's earlier words out of another's reply.
 * When unsure, say yes: a missed hit costs a call, a missing history costs a wrong answer.
 */
/** Time phrases and existentials that look like references but are not ("this month", "are there"). */
const NOT_REFERENCES =
  /\b(?:this|that|last|next|the same|same) (?:week|month|quarter|year|day|morning|afternoon|period|time last year)\b|\b(?:is|are|was|were) there\b|\bthere(?:'s| is| are| was| were)\b|\bmore than\b|\bthan before\b|\bbefore (?:the|end|mon|tue|wed|thu|fri|sat|sun|\d)/g;
const EN =
  /\b(?:it|its|it's|they|them|their|theirs|he|him|his|she|her|hers|same|else|more|again|instead|also|above|previous|earlier|former|latter|as before|like before|you (?:said|mentioned|told|suggested|wrote|meant)|i (?:said|asked|mentioned|meant)|last (?:answer|question|one)|that one|this one|those ones|these ones)\b|^(?:that|this|those|these)\b|\b(?:about|of|on|with|for|from|is|was|did|does|explain|mean|by|to|do|why|change|send|remind|approve) (?:that|this|those|these)\b|\b(?:that|this|those|these)\s*$|\bbefore\s*$|\bwhat did (?:i|you|we) (?:ask|say|talk|discuss)|^remind me (?:what|who|which|how|why|when)\b|\b(?:we|you|i) (?:talked|discussed|agreed|decided)\b|\b(?:as discussed|recall|remember)\b/;
const EN_OPENER =
  /^(?:and|but|so|or|also|what about|how about|why|really|ok and|okay and|then|compared|vs|versus|same|what else|anything else|more|go on|continue|explain|elaborate|expand|details?|which one|who else|the (?:first|second|third|last|other) one)\b/;
const ES =
  /\b(?:eso|esa|ese|esto|esos|esas|ellos|ellas|aquello|otra vez|de nuevo|dijiste|mencionaste)\b|^(?:y|pero|entonces|por qué|qué tal|y si)\b/;
const DE =
  /\b(?:dies|diese|dieser|dieses|ihn|ihm|ihnen|davon|dazu|darüber|damit|vorhin|nochmal|noch mal|du hast gesagt|sie sagten)\b|^(?:und|aber|warum|wieso|was ist mit)\b/;
const FR = /\b(?:ça|cela|ceci|celui|celle|ceux|eux|encore|tu as dit|vous avez dit)\b|^(?:et|mais|pourquoi)\b/;
const PT = /\b(?:isso|isto|esse|essa|eles|elas|de novo|você disse)\b|^(?:e|mas|por que|e quanto)\b/;

export function refersToEarlierTurns(text: string): boolean {
  const t = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[¿¡?!.,;:"“”]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!t) return false;
  const u = t.replace(NOT_REFERENCES, " ");
  if (EN.test(u) || EN_OPENER.test(t)) return true;
  return ES.test(u) || DE.test(u) || FR.test(u) || PT.test(u);
}
