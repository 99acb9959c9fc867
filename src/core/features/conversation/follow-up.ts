import type { IntentArgs } from "../../intents/intent.js";
import { guessLanguage, LANGS, type Lang, phrase } from "../ask/index.js";
import type { ConversationState, Entity } from "./state.js";
import { entityIntent } from "./turn.js";

/**
 * A message that only makes sense against what was just said: a number answering the list shown,
 * "the second one", "remind them", "approve it", "that deal". Pure: text + state → what to run, a
 * reply (nothing to point at), or null (not a follow-up of this kind).
 */
export type FollowUp = { kind: "intent"; args: IntentArgs } | { kind: "reply"; text: string } | null;

const DIGITS: Record<string, string> = Object.fromEntries([
  ..."٠١٢٣٤٥٦٧٨٩".split("").map((d, i) => [d, String(i)]),
  ..."۰۱۲۳۴۵۶۷۸۹".split("").map((d, i) => [d, String(i)]),
]);
/** Arabic-Indic and Persian digits → ASCII. */
export const asciiDigits = (s: string) => s.replace(/[٠-٩۰-۹]/g, (d) => DIGITS[d] ?? d);

const ORDINALS: [RegExp, number][] = [
  [/\b(first|1st|primer[oa]?|erste[nrs]?)\b|الأول/, 1],
  [/\b(second|2nd|segund[oa]|zweite[nrs]?)\b|الثاني/, 2],
  [/\b(third|3rd|tercer[oa]?|dritte[nrs]?)\b|الثالث/, 3],
  [/\b(fourth|4th|cuart[oa]|vierte[nrs]?)\b|الرابع/, 4],
  [/\b(fifth|5th|quint[oa]|fünfte[nrs]?)\b|الخامس/, 5],
  [/\b(last one|the last|el último|la última|der letzte|die letzte)\b|الأخير/, -1],
];

const PRONOUN = String.raw`(them|him|her|it|this one|that one|that customer|this customer|that client|that deal|this deal|those)`;
const REMIND = new RegExp(
  String.raw`^(?:please\s+|ok\s+|okay\s+|then\s+)?(?:remind|chase|nudge|ping|follow[ -]up(?: with)?|send (?:them|him|her) a reminder)\s*${PRONOUN}?\b`,
);
const REMIND_OTHER = /^(recu[eé]rdal[eo]s?|recu[eé]rdale|erinnere (sie|ihn)|mahne (sie|ihn)|ذكره[مم]?|ذكّرهم)/;
const APPROVE =
  /^(?:ok\s+|okay\s+|yes\s+|then\s+)?(approve|send|reject|decline)\s+(it|that|this|this one|that one|the draft|that draft)\b|^(apru[eé]balo|env[ií]alo|genehmige (es|ihn)|schick (es|ihn) ab|وافق عليه|أرسله)/;
const MORE =
  /\b(that deal|this deal|tell me more|more about (it|that|them|this)|more details|details on (it|that)|what should i (actually )?do about (it|that|this|them)|what do i do about (it|that|them)|m[aá]s sobre (eso|él|ella)|mehr dazu|المزيد)\b/;

const NUMBER =
  /^\s*(?:#|no\.?\s*|number\s+|option\s+|choice\s+|nr\.?\s*|n[uú]mero\s+|opci[oó]n\s+|رقم\s*)?([0-9]{1,2})\s*[.)]?\s*$/i;

function first(entities: Entity[], types: Entity["type"][]): Entity | undefined {
  return entities.find((e) => types.includes(e.type));
}

/** The language to answer a follow-up in: the message's own, else the conversation's. */
function langFor(text: string, s: ConversationState): Lang {
  const known = LANGS.find((l) => l === s.lang) ?? "en";
  return guessLanguage(text, known);
}

export function resolveFollowUp(text: string, s: ConversationState): FollowUp {
  const lang = langFor(text, s);
  const t = asciiDigits(text.trim().toLowerCase())
    .replace(/[?!.¿¡]+$/g, "")
    .trim();
  const num = NUMBER.exec(t);
  if (num) {
    const n = Number(num[1]);
    if (!s.pending.length) return { kind: "reply", text: phrase("noList", lang) };
    const choice = s.pending[n - 1];
    if (!choice) return { kind: "reply", text: phrase("pickNumber", lang, { n: String(s.pending.length) }) };
    return { kind: "intent", args: choice.intent };
  }
  const approve = APPROVE.exec(t);
  if (approve) {
    const draft = first(s.entities, ["draft"]);
    if (!draft) return { kind: "reply", text: phrase("whichDraft", lang) };
    return /reject|decline/.test(approve[1] ?? "")
      ? { kind: "intent", args: { kind: "draft.reject", draftRef: draft.id } }
      : { kind: "intent", args: { kind: "draft.approve", draftRef: draft.id } };
  }
  const remind = REMIND.exec(t);
  if ((remind && (remind[1] || t === remind[0].trim())) || REMIND_OTHER.test(t)) {
    const who = first(s.entities, ["customer", "deal", "invoice"]);
    if (!who) return { kind: "reply", text: phrase("whoRemind", lang) };
    const query =
      who.type !== "customer" ? who.id : who.via === "invoice" ? `${who.name} about their invoice` : who.name;
    return { kind: "intent", args: { kind: "draft.create", query } };
  }
  // "tell me more about the second one", "the first one", "el segundo".
  for (const [re, n] of ORDINALS) {
    if (
      !re.test(t) ||
      !/\b(one|more|about|show|open|details?|tell|uno|una|eso|mehr|zeig)\b|^the\b|^el\b|^der\b|^die\b|^ال/.test(
        t,
      )
    )
      continue;
    if (s.pending.length) {
      const c = s.pending.at(n === -1 ? -1 : n - 1);
      if (c) return { kind: "intent", args: c.intent };
    }
    const e = s.entities.at(n === -1 ? -1 : n - 1);
    const i = e ? entityIntent(e) : null;
    if (i) return { kind: "intent", args: i };
    return { kind: "reply", text: phrase("noListShown", lang) };
  }
  if (MORE.test(t)) {
    const e = first(s.entities, ["deal", "customer", "invoice"]);
    const i = e ? entityIntent(e) : null;
    if (i && e?.type !== "invoice") return { kind: "intent", args: i };
  }
  return null;
}
