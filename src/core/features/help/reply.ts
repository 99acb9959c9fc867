import type { CommandSpec } from "../../intents/feature.js";
import type { Reply } from "../../ports/reply.js";
import type { Lang } from "../ask/index.js";

const UNKNOWN: Record<Lang, (word: string, suggestion: string) => string> = {
  en: (w, s) => `I don't know "${w}". Did you mean ${s}?`,
  es: (w, s) => `No conozco «${w}». ¿Quisiste decir ${s}?`,
  de: (w, s) => `„${w}“ kenne ich nicht. Meintest du ${s}?`,
  ar: (w, s) => `لا أعرف «${w}». هل تقصد ${s}؟`,
};
const INTRO: Record<Lang, string> = {
  en: "Here is what I understand. You can also just ask a question, like “how is my business doing?”",
  es: "Esto es lo que entiendo. También puedes hacer una pregunta, como «¿cuánto nos deben?»",
  de: "Das verstehe ich. Du kannst auch einfach eine Frage stellen, etwa „wie viel schulden uns Kunden?“",
  ar: "هذا ما أفهمه. يمكنك أيضاً أن تسأل سؤالاً، مثل «من يدين لنا بأكثر مبلغ؟»",
};
const COMMANDS_TITLE: Record<Lang, string> = { en: "Commands", es: "Comandos", de: "Befehle", ar: "الأوامر" };

/**
 * Help text in the channel's own conventions (slash commands on Slack, plain words elsewhere) and
 * the asker's language; the commands themselves are the same words in every language.
 */
export function helpReply(
  channel: string,
  commands: readonly CommandSpec[],
  suggestion?: string,
  text?: string,
  lang: Lang = "en",
): Reply {
  const slashed = channel === "slack";
  const lines = commands.map(
    (c) =>
      `• \`${slashed ? `/${c.usage.startsWith("help") ? "keel help" : c.usage}` : c.usage}\` — ${c.summary}`,
  );
  const head = suggestion ? UNKNOWN[lang](text ?? "", `\`${slashed ? "/" : ""}${suggestion}\``) : INTRO[lang];
  return {
    text: head,
    sections: suggestion ? [] : [{ title: COMMANDS_TITLE[lang], text: lines.join("\n") }],
    meta: { ...(suggestion ? { suggestion } : { commands: commands.map((c) => c.name) }), lang },
  };
}
