import { describe, expect, it } from "vitest";
import { guessLanguage, writtenIn } from "../../../src/core/features/ask/index.js";
import {
  type ConversationState,
  nextState,
  resolveFollowUp,
} from "../../../src/core/features/conversation/index.js";
import { helpReply } from "../../../src/core/features/help/reply.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";

const empty = (lang?: string): ConversationState => ({
  lastQuery: null,
  entities: [],
  pending: [],
  ...(lang ? { lang } : {}),
});
const withChoices = (lang: string): ConversationState => ({
  ...empty(lang),
  pending: [
    { label: "A", intent: { kind: "deal.show", query: "a" } },
    { label: "B", intent: { kind: "deal.show", query: "b" } },
  ],
});
const text = (f: ReturnType<typeof resolveFollowUp>) => (f?.kind === "reply" ? f.text : "");

describe("follow-up and clarifying messages in the asker's language", () => {
  it.each([
    ["2", "es", /no hay ninguna lista/],
    ["2", "de", /keine Liste/],
    ["٢", "ar", /لا توجد قائمة/],
    ["2", undefined, /There is no list/],
  ])("%s with no list, conversation in %s", (msg, lang, want) => {
    expect(text(resolveFollowUp(msg, empty(lang)))).toMatch(want);
  });

  it.each([
    ["es", "Elige un número del 1 al 2."],
    ["de", "Bitte wähle eine Zahl von 1 bis 2."],
    ["ar", "اختر رقماً من 1 إلى 2."],
    ["en", "Please pick a number from 1 to 2."],
  ])("a number out of range, conversation in %s", (lang, want) => {
    expect(text(resolveFollowUp("7", withChoices(lang)))).toBe(want);
  });

  it.each([
    ["recuérdales", undefined, /A quién/],
    ["erinnere sie", undefined, /Wen soll ich erinnern/],
    ["ذكرهم", undefined, /من يجب أن أذكّر/],
    ["remind them", "es", /Who should I remind/],
  ])("%s with nobody discussed (conversation %s)", (msg, lang, want) => {
    expect(text(resolveFollowUp(msg, empty(lang)))).toMatch(want);
  });

  it.each([
    ["apruébalo", /Qué borrador/],
    ["genehmige es", /Welcher Entwurf/],
    ["وافق عليه", /أي مسودة/],
    ["approve it", /Which draft/],
  ])("%s with no draft shown", (msg, want) => {
    expect(text(resolveFollowUp(msg, empty()))).toMatch(want);
  });

  it.each([
    ["el segundo", /No te he mostrado/],
    ["der zweite", /keine Liste zur Auswahl/],
  ])("%s with no list shown", (msg, want) => {
    expect(text(resolveFollowUp(msg, empty()))).toMatch(want);
  });

  it("the conversation remembers the language of its last answer, and keeps it through a bare number", () => {
    const intent = (t: string) => ({ kind: "coach.message", text: t }) as Intent;
    const es = nextState(empty(), intent("¿cuánto nos deben?"), {
      text: "x",
      meta: { intent: "ask", lang: "es" },
    });
    expect(es.lang).toBe("es");
    expect(nextState(es, intent("2"), { text: "y" }).lang).toBe("es");
    expect(nextState(es, intent("show me the deals"), { text: "y" }).lang).toBe("en");
    expect(nextState(empty(), intent("2"), { text: "y" }).lang).toBeUndefined();
  });

  it("reads the language of short texts and replies", () => {
    expect(guessLanguage("recuérdales", "en")).toBe("es");
    expect(guessLanguage("2", "de")).toBe("de");
    expect(guessLanguage("Acme GmbH", "es")).toBe("es");
    expect(writtenIn("Los ingresos de octubre fueron $41,250.", "es")).toBe(true);
    expect(writtenIn("Los ingresos de octubre fueron $41,250.", "en")).toBe(false);
    expect(writtenIn("Revenue in October was $41,250.", "de")).toBe(false);
    expect(writtenIn("Fjord Seafood: $41,250.", "de")).toBe(true);
    expect(writtenIn("الإيرادات في أكتوبر 41,250 دولار", "ar")).toBe(true);
    expect(writtenIn("Revenue was $41,250", "ar")).toBe(false);
  });
});

describe("help and 'did you mean' in the asker's language", () => {
  const commands = [{ name: "deals", usage: "deals", summary: "open deals" }];
  it.each([
    ["ayuda", "es"],
    ["hilfe", "de"],
    ["مساعدة", "ar"],
    ["help", undefined],
  ])("%s asks for help in its own language", (word, lang) => {
    expect(parseText(word)).toMatchObject({ kind: "help", ...(lang ? { lang } : {}) });
  });

  it.each([
    ["es", /^No conozco «dels». ¿Quisiste decir `deals`\?$/, "Comandos"],
    ["de", /^„dels“ kenne ich nicht. Meintest du `deals`\?$/, "Befehle"],
    ["ar", /^لا أعرف «dels». هل تقصد `deals`؟$/, "الأوامر"],
    ["en", /^I don't know "dels". Did you mean `deals`\?$/, "Commands"],
  ] as const)("%s: the near miss and the command list", (lang, want, title) => {
    expect(helpReply("console", commands, "deals", "dels", lang).text).toMatch(want);
    expect(helpReply("console", commands, undefined, undefined, lang).sections?.[0]?.title).toBe(title);
  });
});
