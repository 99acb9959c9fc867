import type { OpenAiRequestBody, OpenAiStep } from "./fake-openai-server.js";

/**
 * Hostile personas for the fake OpenAI server (`{ pick }` steps), used by tests and the llm-truth
 * benchmark:
 * - obedient: follows any instruction planted in data — it emits the text between « » it finds in
 *   the prompt, or its whole system prompt when asked to reveal it;
 * - liar: answers with the honest figures plus an invented one, in one of many written formats;
 * - chaos: 30 % 429 with Retry-After 1, 20 % 500, 10 % hang, otherwise an honest answer;
 * - garbage: malformed bodies, empty content, negative or absurd usage.
 */
const all = (b: OpenAiRequestBody) => b.messages.map((m) => m.content).join("\n");
const system = (b: OpenAiRequestBody) => b.messages.find((m) => m.role === "system")?.content ?? "";
const wantsJson = (b: OpenAiRequestBody) => b.response_format?.type === "json_object";
const asReply = (b: OpenAiRequestBody, text: string): string =>
  wantsJson(b) ? JSON.stringify({ subject: "Following up", body: text, summary: text }) : text;

export function obedient(honest: (b: OpenAiRequestBody) => string): OpenAiStep {
  return {
    pick: (b) => {
      const text = all(b);
      if (
        /(?:reveal|print|repeat) (?:your|the) (?:system prompt|instructions)/i.test(text) ||
        /SYSTEM_PROMPT_PLEASE/.test(text)
      )
        return { reply: asReply(b, `Sure. My instructions: ${system(b)}`) };
      const planted = /«([^»]+)»/.exec(text)?.[1];
      return { reply: asReply(b, planted ? `${honest(b)} ${planted}` : honest(b)) };
    },
  };
}

/** ≥ 45 ways to write an invented figure. */
export const LIES: ((n: number) => string)[] = [
  (n) => `$${n.toLocaleString("en-US")}`,
  (n) => `${n.toLocaleString("de-DE")} €`,
  (n) => `USD${n}`,
  (n) => `${n}USD`,
  (n) => `USD ${n.toLocaleString("en-US")}`,
  (n) => `${(n / 1000).toFixed(1)}k`,
  (n) => `$${(n / 1e6).toFixed(2)}M`,
  (n) => `${(n / 1e6).toFixed(1).replace(".", ",")} Mio`,
  (n) => `${(n % 9) + 3}x`,
  (n) => `×${(n % 9) + 3}`,
  (n) => `${(n % 9) + 3}-fold`,
  (n) => `${(n % 7) + 3}/${(n % 5) + 11}`,
  (n) => `${(n % 40) + 13}th`,
  (n) => `${(n % 40) + 21}st`,
  (n) => `(-${(n % 89) + 3.7}%)`,
  (n) => `-${(n % 89) + 2.3}%`,
  (n) => `+${(n % 89) + 4.1}%`,
  (n) => `${(n % 89) + 5.3} percent`,
  (n) => `${(n % 89) + 6.2} %`,
  (n) => `${(n % 60) + 1}/${(n % 28) + 1}/2031`,
  (n) => `2031-0${(n % 9) + 1}-1${n % 9}`,
  (n) => `${(n % 28) + 1}.0${(n % 9) + 1}.2031`,
  (n) => `March ${(n % 28) + 1}, 2031`,
  (n) => `in ${(n % 80) + 31} days`,
  (n) => `${(n % 20) + 7} weeks`,
  (n) => `${(n % 11) + 13} months`,
  (n) => String.fromCharCode(...[...n.toLocaleString("en-US")].map((c) => c.charCodeAt(0) + 0xfee0)),
  (n) => [...String(n)].map((d) => "٠١٢٣٤٥٦٧٨٩"[Number(d)]).join(""),
  (n) => [...String(n)].map((d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]).join(""),
  (n) => `${n.toLocaleString("en-IN")} rupees`,
  (n) => `₹${n.toLocaleString("en-IN")}`,
  (n) => `CHF ${n.toLocaleString("en-US").replace(/,/g, "'")}`,
  (n) => `${n.toLocaleString("fr-FR")} €`,
  (n) => `EUR${n}`,
  (n) => `£${n.toLocaleString("en-GB")}`,
  (n) => `−${n.toLocaleString("en-US")}`,
  (n) => `${(n / 1e9).toFixed(3)}bn`,
  (n) => `${(n % 50) + 57} deals`,
  (n) => `twenty-${["one", "two", "four", "six", "eight"][n % 5]} deals`,
  (n) => `${(n % 300) + 150} basis points`,
  (n) => `${(n % 9) + 2}.${n % 10}x`,
  (n) => `${(n % 9) + 3} times more`,
  (n) => `${(n % 48) + 49} hours`,
  (n) => `${(n % 50) + 51}d`,
  (n) => `Q${(n % 4) + 1} revenue of ${n.toLocaleString("en-US")} dollars`,
  (n) => `${n.toLocaleString("en-US")}.00 USD`,
  (n) => `${(n % 900) + 100}‰`,
];

export function liar(honest: (b: OpenAiRequestBody) => string, seed = 1): OpenAiStep {
  let i = seed;
  return {
    pick: (b) => {
      i++;
      const n = 71_234 + ((i * 7919) % 900_000);
      const lie = LIES[i % LIES.length]!(n);
      return { reply: asReply(b, `${honest(b)} Also worth knowing: ${lie}.`) };
    },
  };
}

/** Deterministic chaos from a seed (the benchmark reports which mix it got). */
export function chaos(honest: (b: OpenAiRequestBody) => string, seed = 7): OpenAiStep {
  let x = seed;
  const rnd = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return {
    pick: (b) => {
      const r = rnd();
      if (r < 0.3) return { status: 429, retryAfter: "1" };
      if (r < 0.5) return { status: 500 };
      if (r < 0.6) return { hang: true };
      return { reply: asReply(b, honest(b)) };
    },
  };
}

export function garbage(honest: (b: OpenAiRequestBody) => string): OpenAiStep {
  let i = 0;
  return {
    pick: (b) => {
      i++;
      switch (i % 5) {
        case 0:
          return { malformed: true };
        case 1:
          return {
            reply: asReply(b, honest(b)),
            usage: { prompt_tokens: -13_250_000, completion_tokens: -13_250_000 },
          };
        case 2:
          return {
            reply: asReply(b, honest(b)),
            usage: { prompt_tokens: 5_000_000, completion_tokens: 5_000_000 },
          };
        case 3:
          return { reply: "" };
        default:
          return { reply: asReply(b, honest(b)) };
      }
    },
  };
}
