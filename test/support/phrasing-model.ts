import type { OpenAiRequestBody, OpenAiStep } from "./fake-openai-server.js";

/**
 * Scripted models for the `ask.phrase` prompt (the model phrases a computed result), used by the
 * answer tests and `bench:answers --model`. They read the facts the way a model would — from the
 * prompt the gateway sent — so the tests exercise the real prompt, the real client and the real
 * wire protocol.
 */
export interface PromptFact {
  id: string;
  label?: string;
  display: string;
}
export interface PromptResult {
  answer: string;
  period?: string;
  facts: PromptFact[];
  rows?: { n: number; name: string; facts: string[] }[];
  say_first?: string;
  /** "English", "Spanish", … from the prompt's rules. */
  language: string;
}

const system = (b: OpenAiRequestBody) => b.messages.find((m) => m.role === "system")?.content ?? "";
export const isPhrasePrompt = (b: OpenAiRequestBody) =>
  system(b).includes("you only put the result into words");
export const isQueryPrompt = (b: OpenAiRequestBody) =>
  b.messages.some((m) => m.content.includes("fixed query language"));

/** ⟦data name: Acme ⟧ → Acme. */
export const unquote = (s: string) => s.replace(/^⟦data [\w.-]+: /, "").replace(/ ⟧$/, "");

/** The computed result the phrase prompt carried (parsed from the system message). */
export function promptResult(b: OpenAiRequestBody): PromptResult {
  const sys = system(b);
  const line = sys.split("The computed result (JSON):\n")[1]?.split("\n")[0] ?? "{}";
  const language = /Write in (\w+)/.exec(sys)?.[1] ?? "English";
  const r = JSON.parse(line) as Omit<PromptResult, "language">;
  return { ...r, rows: r.rows?.map((x) => ({ ...x, name: unquote(x.name) })), language };
}

/** The headline: the fact to say first and, for a ranked list, the name of the first row. */
export function headline(r: PromptResult): { display: string; name?: string } {
  const id = r.say_first ?? r.facts[0]?.id ?? "";
  const f = r.facts.find((x) => x.id === id);
  const row = id.startsWith("rows.") ? r.rows?.find((x) => x.facts.includes(id)) : undefined;
  return { display: f?.display ?? "", ...(row ? { name: row.name } : {}) };
}

/** What an honest model writes: the headline figure first, in the language it was asked for. */
export function honestText(r: PromptResult, language = r.language): string {
  const h = headline(r);
  switch (language) {
    case "Spanish":
      return h.name
        ? `${h.name} está en primer lugar con ${h.display}.`
        : `El resultado es ${h.display}, según tus datos.`;
    case "German":
      return h.name
        ? `${h.name} liegt vorne mit ${h.display}.`
        : `Der Wert ist ${h.display}, laut deinen Daten.`;
    case "Arabic":
      return h.name ? `${h.name} في المقدمة بمبلغ ${h.display}.` : `النتيجة هي ${h.display} حسب بياناتك.`;
    default:
      return h.name
        ? `${h.name} is at the top with ${h.display}.`
        : `It is ${h.display} for ${r.answer.toLowerCase()}, from your own data.`;
  }
}

/**
 * An honest model that rounds money the way people write it in each language: "$125.8k",
 * "125,8 mil $", "125,8 Tsd. $", "125.8 ألف $" (other figures as displayed).
 */
export function roundedText(r: PromptResult): string {
  const h = headline(r);
  const m = /^([^\d-]*)(-?[\d,]+(?:\.\d+)?)([^\d]*)$/.exec(h.display);
  const v = m ? Number(m[2]!.replace(/,/g, "")) : Number.NaN;
  if (!m || !Number.isFinite(v) || Math.abs(v) < 1000 || !(m[1] || m[3])) return honestText(r);
  const sym = (m[1] || m[3]!).trim();
  const k = (v / 1000).toFixed(1);
  const display =
    r.language === "Spanish"
      ? `${k.replace(".", ",")} mil ${sym}`
      : r.language === "German"
        ? `${k.replace(".", ",")} Tsd. ${sym}`
        : r.language === "Arabic"
          ? `${k} ألف ${sym}`
          : `${sym}${k}k`;
  return honestText({ ...r, facts: r.facts.map((f) => (f.display === h.display ? { ...f, display } : f)) });
}

/** Replies to the phrase prompt with `phrase(result)`; the query prompt gets `{"kind":"none"}` (rules read). */
export function phraser(
  phrase: (r: PromptResult, b: OpenAiRequestBody) => string,
  query: (b: OpenAiRequestBody) => string = () => '{"kind":"none"}',
): OpenAiStep {
  return {
    pick: (b) =>
      isPhrasePrompt(b)
        ? { reply: phrase(promptResult(b), b) }
        : isQueryPrompt(b)
          ? { reply: query(b) }
          : {
              reply:
                b.response_format?.type === "json_object"
                  ? '{"intent":"coach","args":{},"confidence":0.1}'
                  : "ok",
            },
  };
}

/** A liar: the honest sentence with the headline figure changed (+7 % and 1,234 more); `invented` is what it wrote. */
export function lie(r: PromptResult): { text: string; invented: string } {
  const h = headline(r);
  const invented = h.display.replace(/\d[\d,.]*/, (n) => {
    const v = Number(n.replace(/,/g, ""));
    return Number.isFinite(v) ? Math.round(v * 1.07 + 1234).toLocaleString("en-US") : n;
  });
  const text = honestText({
    ...r,
    facts: r.facts.map((f) => (f.display === h.display ? { ...f, display: invented } : f)),
  });
  return { text, invented };
}

export const liarText = (r: PromptResult) => lie(r).text;
