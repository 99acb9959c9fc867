import { isCurrency, isTimezone, type SetupInput, setupSchema } from "./setup.js";
import { PIPELINE_TEMPLATES } from "./templates.js";

/**
 * How one typed answer to a set-up question is read — shared by the terminal wizard (`keel setup`)
 * and the chat set-up (Slack, WhatsApp), so "dollars", "EST" or "2" mean the same everywhere.
 * A bad answer comes back as a message that says what to type instead; nothing here throws.
 */
/** Three distinct currency codes to show as examples, the suggested one first. */
const examples = (first: string): string => [...new Set([first, "USD", "EUR", "GBP"])].slice(0, 3).join(", ");

export type SetupField = "company" | "slug" | "currency" | "timezone" | "owner" | "ownerName" | "pipeline";

export type AnswerResult =
  | { ok: true; value: string }
  /** `suggestion`: the value a "yes" accepts next time (currency "dollars" → USD). */
  | { ok: false; message: string; suggestion?: string };

const templates = () => Object.values(PIPELINE_TEMPLATES);

/** Numbered template list, one per line: "1. b2b-sales — B2B sales with …". */
export function templateChoices(): string {
  return templates()
    .map((t, i) => `${i + 1}. ${t.id} — ${t.title}`)
    .join("\n");
}

/** The questions, in the order the chat asks them (the terminal also asks slug and owner name). */
export const SETUP_PROMPTS: Record<SetupField, string> = {
  company: "What is your company called?",
  slug: "Short name for commands (slug)",
  currency: "Which currency do you work in? (an ISO code like USD, EUR or GBP)",
  timezone: "Which time zone are you in? (a city like Berlin or an IANA zone like America/New_York)",
  pipeline: "Which sales pipeline fits you best? Reply with a number:",
  owner: "What is the owner's e-mail address? (it signs in to reports and is the contact for Keel)",
  ownerName: "Owner's name",
};

/**
 * Slack and chat markup that must never end up in a company name: mentions (<@U1>, <!channel>),
 * links (<https://x|label> keeps the label), and control characters.
 */
export function plainText(raw: string): string {
  return (
    raw
      .replace(/<mailto:[^|>]+\|([^>]+)>/g, "$1")
      .replace(/<(?:https?|ftp):[^|>]*\|([^>]+)>/g, "$1")
      .replace(/<[^>]*>/g, " ")
      .replace(/@(?:channel|here|everyone)\b/gi, " ")
      .replace(/https?:\/\/\S+/gi, " ")
      // Chat emphasis around words (*bold*, _italic_, ~strike~, `code`), never inside one (New_York).
      .replace(/(^|\s)[*_~`]+/g, "$1")
      .replace(/[*_~`]+(?=\s|$)/g, "")
      .replace(/[\p{Cc}\p{Cf}]/gu, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

const CURRENCY_WORDS: [RegExp, string][] = [
  [/^(us\s*)?(dollars?|bucks?|\$|us\$|usd\$|dólar(es)?|dollar americain)$/i, "USD"],
  [/^(euros?|€|eur€|eur0)$/i, "EUR"],
  [/^(pounds?( sterling)?|£|quid|sterling|gbp£)$/i, "GBP"],
  [/^(yen|¥|円)$/i, "JPY"],
  [/^(swiss francs?|franken|chf\.?)$/i, "CHF"],
  [/^(rupees?|₹)$/i, "INR"],
  [/^(canadian dollars?|can\$|c\$)$/i, "CAD"],
  [/^(australian dollars?|a\$|aud\$)$/i, "AUD"],
  [/^(złoty|zloty|zł)$/i, "PLN"],
  [/^(reais|real|r\$)$/i, "BRL"],
  [/^(pesos? mexicanos?|mexican pesos?|mx\$)$/i, "MXN"],
  [/^(kronor|swedish krona)$/i, "SEK"],
];

export function readCurrency(raw: string): AnswerResult {
  const text = plainText(raw);
  const code = text.toUpperCase();
  if (/^[A-Z]{3}$/.test(code) && isCurrency(code)) return { ok: true, value: code };
  const word = CURRENCY_WORDS.find(([re]) => re.test(text.trim()));
  if (word)
    return {
      ok: false,
      message: `Did you mean ${word[1]}? Reply "yes" or type the ISO code (like ${examples(word[1])}).`,
      suggestion: word[1],
    };
  return {
    ok: false,
    message: `"${text.slice(0, 30)}" is not a currency code I know. Type a three-letter ISO code like USD, EUR or GBP.`,
  };
}

/** Abbreviations that name several places or no place at all: ask for a city instead of guessing. */
const ZONE_ABBREVIATIONS =
  /^(EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|HST|CET|CEST|EET|EEST|WET|WEST|BST|IST|GMT[+-]?\d*|UTC[+-]\d+|AEST|AEDT|JST|KST|SGT|HKT|MSK|ET|CT|MT|PT)$/i;

const zoneCity = (z: string) => z.split("/").pop()!.toLowerCase().replace(/_/g, " ");

export function readTimezone(raw: string): AnswerResult {
  const text = plainText(raw).replace(/\s*\/\s*/g, "/");
  if (/^(utc|gmt|z)$/i.test(text)) return { ok: true, value: "UTC" };
  if (ZONE_ABBREVIATIONS.test(text))
    return {
      ok: false,
      message: `"${text}" is an abbreviation, and it covers several places. Tell me a city (like New York, Chicago or Berlin) or an IANA zone like America/New_York.`,
    };
  const zones = Intl.supportedValuesOf("timeZone");
  const exact = zones.find((z) => z.toLowerCase() === text.toLowerCase().replace(/ /g, "_"));
  if (exact && isTimezone(exact)) return { ok: true, value: exact };
  // Aliases Intl knows but does not list (America/Argentina/Buenos_Aires, Asia/Calcutta): its canonical name.
  try {
    const canonical = new Intl.DateTimeFormat("en", { timeZone: text.replace(/ /g, "_") }).resolvedOptions()
      .timeZone;
    if (isTimezone(canonical)) return { ok: true, value: canonical };
  } catch {
    // not a zone name at all: try it as a city below
  }
  const city = text
    .toLowerCase()
    .replace(/[,.].*$/, "")
    .trim();
  const byCity = zones.filter((z) => zoneCity(z) === city);
  if (byCity.length >= 1) return { ok: true, value: byCity[0]! };
  return {
    ok: false,
    message: `I could not find a time zone for "${text.slice(0, 40)}". Tell me the nearest big city (like London or Sydney) or an IANA zone like Europe/Berlin.`,
  };
}

export function readPipeline(raw: string): AnswerResult {
  const text = plainText(raw).toLowerCase();
  const list = templates();
  const n = /^(\d{1,2})\.?$/.exec(text);
  if (n) {
    const t = list[Number(n[1]) - 1];
    if (t) return { ok: true, value: t.id };
  }
  const byId = list.find((t) => t.id === text || t.id.replace(/-/g, " ") === text);
  if (byId) return { ok: true, value: byId.id };
  const byWord = list.filter((t) => text.length >= 4 && t.title.toLowerCase().includes(text));
  if (byWord.length === 1) return { ok: true, value: byWord[0]!.id };
  return { ok: false, message: `Reply with a number from 1 to ${list.length}:\n${templateChoices()}` };
}

export function readEmail(raw: string): AnswerResult {
  const text = plainText(raw).replace(/^mailto:/i, "");
  const r = setupSchema.shape.owner.safeParse(text);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    message: `"${text.slice(0, 60)}" does not look like an e-mail address. Type one like jane@yourcompany.com.`,
  };
}

export function readCompany(raw: string): AnswerResult {
  const text = plainText(raw);
  if (!/[\p{L}\p{N}]/u.test(text))
    return { ok: false, message: "I need a name with letters or digits in it. What is your company called?" };
  if (text.length > 120)
    return { ok: false, message: "That is longer than 120 characters; a shorter name, please." };
  return { ok: true, value: text };
}

/** Reads one answer for one field; the same rules as `setupSchema` (checked again when the company is made). */
export function readSetupAnswer(field: SetupField, raw: string): AnswerResult {
  switch (field) {
    case "company":
      return readCompany(raw);
    case "currency":
      return readCurrency(raw);
    case "timezone":
      return readTimezone(raw);
    case "pipeline":
      return readPipeline(raw);
    case "owner":
      return readEmail(raw);
    default: {
      const r = setupSchema.shape[field].safeParse(
        raw.trim() === "" && field === "ownerName" ? undefined : raw,
      );
      return r.success
        ? { ok: true, value: raw.trim() }
        : { ok: false, message: r.error.issues[0]?.message ?? "not valid" };
    }
  }
}

/** A slug from a company name: "Müller & Söhne GmbH" → "muller-sohne-gmbh". */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

export type { SetupInput };
