import { editDistance } from "../kernel/text.js";
import { registry } from "../registry.js";
import { isCashBalanceMetric } from "./cash-balance.js";
import type { CommandSpec } from "./feature.js";
import type { IntentArgs } from "./intent.js";

/*
 * Text commands shared by every channel (console, WhatsApp text, Slack slash-command text).
 * Pure: text in, intent arguments out. Free text that is not a command goes to the coach.
 */

/** The text commands and their usage lines: the help lines every feature registers. */
export const COMMANDS: readonly CommandSpec[] = registry.commands;

export type ParseResult = IntentArgs;

const usageError = (command: string): ParseResult => ({
  kind: "usage.error",
  command,
  message: `Usage: ${COMMANDS.find((c) => c.name === command)?.usage ?? command}`,
});

const int = (s: string | undefined): number | undefined =>
  s !== undefined && /^\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;

/**
 * Asking for the collections batch in English, Spanish or German: "collections ranked by cash impact",
 * "chase the overdue invoices", "cobrar las facturas vencidas", "überfällige Rechnungen mahnen".
 */
const COLLECTIONS_PHRASE = new RegExp(
  [
    String.raw`\bcollections?\b.{0,40}\b(?:cash\s+impact|impact|rank(?:ed|ing)?|priorit)`,
    String.raw`\b(?:chase|chasing|nudge|remind)\s+(?:up\s+)?(?:all\s+)?(?:the\s+|our\s+)?(?:overdue|late|unpaid|outstanding)\s+(?:invoices?|bills|payments|payers|customers)`,
    String.raw`\b(?:cobr(?:ar|a|anza)|reclam(?:ar|a)|recordatorios?|record(?:ar|a)|perseguir)\b.{0,30}\b(?:facturas?|pagos?)\s+(?:vencid|atrasad|pendient|impagad)`,
    String.raw`\bcobranzas?\b.{0,40}\b(?:impacto|caja|priori)`,
    String.raw`(?:überfällige|offene|ausstehende|unbezahlte)\s+rechnungen\b.{0,30}(?:mahnen|anmahnen|eintreiben|nachfassen|erinnern)`,
    String.raw`\bmahn(?:ung(?:en)?|lauf)\b.{0,40}(?:überfällig|offen|rechnung)`,
    String.raw`\binkasso\b.{0,40}(?:wirkung|liquidität|cash|priori)`,
  ].join("|"),
  "iu",
);

/**
 * Asking for the overdue invoices themselves (which, how many, who pays late), in English, German,
 * Spanish or Arabic: the list, with its count and total — not one amount. A question that names a
 * customer ("… from Fjord Seafood") stays with the question engine, which filters by customer.
 */
const OVERDUE_LIST_PHRASE = new RegExp(
  [
    String.raw`\b(?:which|what|list|show(?:\s+me)?|see|give\s+me)\b.{0,20}\b(?:overdue|late|past[\s-]due)\s+(?:invoices|bills)\b`,
    String.raw`\b(?:which|what|how\s+many)\s+(?:invoices|bills)\s+(?:are|is)\s+(?:still\s+)?(?:overdue|late|past[\s-]due)\b`,
    String.raw`\b(?:which|what)\s+(?:customers|clients)\s+(?:pay|are\s+paying|paid|are)\s+(?:us\s+)?late\b|\bwelche\s+kunden\s+zahlen\s+(?:zu\s+)?spät\b|\bqué\s+clientes\s+(?:nos\s+)?pagan\s+tarde\b`,
    String.raw`\bwho\s+(?:pays|paid|is\s+paying|are\s+paying|is|are)\s+(?:us\s+)?late\b|\blate\s+payers\b|\bwho\s+(?:hasn'?t|has\s+not|haven'?t|have\s+not)\s+paid\b`,
    String.raw`\bwelche\s+rechnungen\b.{0,20}(?:überfällig|offen|unbezahlt)|\bwer\s+zahlt\s+(?:zu\s+)?spät\b|^\s*überfällige\s+rechnungen\s*[?!.]*$`,
    String.raw`\bqué\s+facturas\b.{0,20}\b(?:vencid|atrasad|impagad)|\bquién(?:es)?\s+(?:nos\s+)?paga(?:n)?\s+tarde\b|^\s*facturas\s+(?:vencidas|atrasadas)\s*[?!.]*$`,
    String.raw`^\s*(?:ما\s+)?(?:هي\s+)?الفواتير\s+المتأخرة\s*[؟?]*$|من\s+يدفع\s+متأخر`,
  ].join("|"),
  "iu",
);
const NAMES_A_CUSTOMER = /\b(?:from|for|of|by|von|de|del)\s+\p{L}/iu;

/**
 * Asking for a follow-up to one customer or deal in people's words: "follow up with Cedar Health",
 * "send a reminder to Fjord", "nudge Acme", "erinnere Nordlicht", "haz seguimiento con Acme". The
 * subject is resolved like `remind NAME`; a pronoun ("follow up with them") is the conversation's.
 */
const FOLLOW_UP =
  /^(?:please\s+|pls\s+|(?:can|could)\s+you\s+)?(?:follow[\s-]?up\s+(?:with|on)|send\s+(?:a\s+)?(?:follow[\s-]?up|reminder|nudge)\s+(?:to|for)|nudge|ping|erinnere|haz\s+(?:un\s+)?seguimiento\s+(?:a|con)|recuérd(?:a|ale)\s+a)\s+(.+?)\s*(?:please)?[.!?]*$/iu;
/^(?:them|him|her|it|that|this|this one|that one|those|that customer|that deal|this deal|ihn|sie|ihm|ihnen|él|ella|ellos)$/iu;

/**
 * "Are we on track?" with no figure named: the goals and their pace. A figure named ("revenue on
 * track this quarter") stays with the question engine, which compares it with its goal.
 */
const ON_TRACK =
  /^(?:so\s+)?(?:are\s+we|am\s+i|is\s+the\s+team|how\s+are\s+we)\s+(?:on\s+track|tracking|doing\s+against\s+(?:our\s+)?(?:goals?|targets?))\b|^(?:liegen\s+wir\s+im\s+plan|sind\s+wir\s+auf\s+kurs|¿?vamos\s+bien\s+con\s+(?:los\s+)?objetivos)/iu;
const NAMES_A_FIGURE = /\b(?:revenue|sales|pipeline|cash|deals?|won|invoic\w*|umsatz|ingresos|ventas)\b/iu;

/** A pronoun pointing at what was just discussed ("remind them", "follow up with that customer"). */
const POINTS_BACK =
  /^(them|him|her|it|that|this|this one|that one|those|the draft|that draft|that deal|this deal|that customer)[.!?]*$/i;

/** The model behind Keel, named as people name it; bare "model" is left out (pricing model, business model). */
const AI = String.raw`(?:ai|a\.i\.|llms?|gpt|chatgpt|openai|ollama|(?:the\s+)?language\s+models?|tokens?|ki|ia)`;
/**
 * Asking what the model costs, in English, German, Spanish or Arabic: "what did the AI cost us this
 * month?", "llm costs", "how much have we spent on openai", "KI-Kosten", "cuánto gastamos en IA",
 * "تكلفة الذكاء الاصطناعي". Money spent on anything else (marketing, a customer) is not this.
 */
const USAGE_PHRASE = new RegExp(
  [
    String.raw`\b${AI}\s+(?:spend(?:ing)?|costs?|usage|budget|bill|expenses?)\b`,
    String.raw`\b(?:what|how\s+much)\s+(?:does|did|do|has|have|is|was)\s+(?:the\s+|our\s+)?${AI}\s+(?:cost(?:ing|s)?|used|spent)\b`,
    String.raw`\b(?:spen[dt]|spending|paid|pay(?:ing)?)\s+(?:so\s+far\s+)?(?:on|for)\s+(?:the\s+|our\s+)?${AI}(?![\w-])`,
    String.raw`\b(?:ki|llm|sprachmodell|modell|token)-?kosten\b`,
    String.raw`\bkosten\s+(?:der|für\s+die|für\s+das|für)\s+(?:ki|sprachmodell|openai)\b`,
    String.raw`\bfür\s+(?:die\s+|das\s+)?(?:ki|sprachmodell|openai|tokens)\s+(?:\S+\s+)?ausgegeben`,
    String.raw`\bgast(?:o|os|amos|ado|ó|aste)\s+(?:\S+\s+){0,2}?en\s+(?:la\s+)?(?:ia|openai|tokens)\b`,
    String.raw`\b(?:coste|costo|costos|costes)\s+(?:\S+\s+)?de\s+(?:la\s+)?(?:ia|openai)\b`,
    String.raw`(?:تكلفة|تكاليف|مصاريف|إنفاق)\s+(?:ال)?ذكاء\s+(?:ال)?اصطناعي`,
    String.raw`(?:أنفقنا|صرفنا|دفعنا)\s+(?:\S+\s+)?على\s+(?:ال)?ذكاء\s+(?:ال)?اصطناعي`,
  ].join("|"),
  "iu",
);
/** "last month" in the languages above: the usage intent's `month: "last"`. */
const LAST_MONTH = /\b(?:last|previous)\s+month\b|letzten\s+monat|vormonat|mes\s+pasado|الشهر\s+الماضي/iu;

/** The usage intent for a phrasing of "what does the model cost", with the month it names, if any. */
function usagePhrase(lower: string): ParseResult | undefined {
  if (!USAGE_PHRASE.test(lower)) return undefined;
  const month =
    /\b(20\d{2}-(?:0[1-9]|1[0-2]))\b/.exec(lower)?.[1] ?? (LAST_MONTH.test(lower) ? "last" : undefined);
  return month ? { kind: "usage.show", month } : { kind: "usage.show" };
}

export function closestCommand(word: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const c of COMMANDS) {
    for (const n of [c.name, ...(c.aliases ?? [])]) {
      const d = editDistance(word.toLowerCase(), n);
      if (!best || d < best.d) best = { name: c.name, d };
    }
  }
  return best && best.d <= (word.length >= 4 ? 2 : 1) ? best.name : undefined;
}

export function parseText(input: string): ParseResult {
  const text = input.trim().replace(/^\/(keel\s+)?/, "");
  if (!text) return { kind: "help" };
  const words = text.split(/\s+/);
  const cmd = words[0]!.toLowerCase();
  const rest = words.slice(1);
  const restText = rest.join(" ");
  // "remind them", "approve it": a pronoun points at what was just discussed — the coach reads it
  // against the conversation's stored context instead of looking for a deal called "them".
  if (/^(remind|approve|reject|chase|nudge)$/.test(cmd) && POINTS_BACK.test(restText))
    return { kind: "coach.message", text };
  switch (cmd) {
    case "help":
    case "?":
      return { kind: "help", topic: rest[0] };
    case "ayuda":
      return { kind: "help", topic: rest[0], lang: "es" };
    case "hilfe":
      return { kind: "help", topic: rest[0], lang: "de" };
    case "مساعدة":
      return { kind: "help", topic: rest[0], lang: "ar" };
    case "deals": {
      const out: { kind: "deals.list"; owner?: string; stage?: string; stuck?: boolean } = {
        kind: "deals.list",
      };
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i]!.toLowerCase();
        if (w === "mine" || w === "my") out.owner = "me";
        else if (w === "stuck") out.stuck = true;
        else if (w === "owner" && rest[i + 1]) out.owner = rest[++i];
        else if (w === "stage" && rest[i + 1]) {
          // Stage names may have spaces: take words until the next keyword.
          const parts: string[] = [];
          while (rest[i + 1] && !["owner", "stuck", "mine"].includes(rest[i + 1]!.toLowerCase()))
            parts.push(rest[++i]!);
          out.stage = parts.join(" ");
        } else if (
          /^(won|lost|closed|closing|close|due|expected|soon|next|last|this|in|by|per|biggest|largest|top|value|total|count|how|month|quarter|year|week)$/.test(
            w,
          ) ||
          text.endsWith("?")
        )
          // "deals won last month?": a question about deals, not the command with bad arguments.
          return { kind: "coach.message", text };
        else return usageError("deals");
      }
      return out;
    }
    case "deal":
      return restText ? { kind: "deal.show", query: restText } : usageError("deal");
    case "invoices":
    case "invoice":
      return rest[0]?.toLowerCase() === "overdue" || rest.length === 0
        ? { kind: "invoices.overdue" }
        : usageError("invoices");
    case "overdue":
      return { kind: "invoices.overdue" };
    case "collections":
    case "collection": {
      const n = rest.length === 1 ? int(rest[0]!) : undefined;
      if (rest.length === 0) return { kind: "collections.chase" };
      if (n !== undefined && n > 0 && n <= 50) return { kind: "collections.chase", limit: n };
      if (COLLECTIONS_PHRASE.test(text)) return { kind: "collections.chase" };
      return usageError("collections");
    }
    case "chase": {
      // "chase the overdue invoices" is the batch; "chase Acme" is a reminder for one subject.
      if (
        !restText ||
        /^(?:(?:all|the|my|our)\s+)*(?:overdue|late|unpaid|outstanding)\b|^(?:invoices|payers|customers)$/i.test(
          restText,
        )
      )
        return { kind: "collections.chase" };
      return { kind: "draft.create", query: restText };
    }
    case "remind": {
      if (COLLECTIONS_PHRASE.test(text)) return { kind: "collections.chase" };
      // "anyway" / "--force" at the end: the user insists on a closed deal or a paid invoice.
      const forced = /\s+(?:anyway|--force)$/i.exec(restText);
      const query = forced ? restText.slice(0, forced.index).trim() : restText;
      if (!query) return usageError("remind");
      return forced ? { kind: "draft.create", query, force: true } : { kind: "draft.create", query };
    }
    case "approve":
      return rest[0] && rest.length === 1
        ? { kind: "draft.approve", draftRef: rest[0] }
        : usageError("approve");
    case "reject":
      return rest[0]
        ? { kind: "draft.reject", draftRef: rest[0], reason: rest.slice(1).join(" ") || undefined }
        : usageError("reject");
    case "edit":
      return rest[0]
        ? { kind: "draft.edit", draftRef: rest[0], body: rest.slice(1).join(" ") || undefined }
        : usageError("edit");
    case "drafts":
      if (rest[0]?.toLowerCase() === "history")
        return rest[1] ? { kind: "draft.history", draftRef: rest[1] } : usageError("drafts");
      return rest.length === 0 || rest[0] === "pending" ? { kind: "drafts.list" } : usageError("drafts");
    case "calibration":
    case "calibrate": {
      const verb = rest[0]?.toLowerCase();
      if (!verb || verb === "proposals" || verb === "show") return { kind: "calibration.show" };
      if ((verb === "approve" || verb === "reject") && rest[1] && rest.length === 2)
        return { kind: "calibration.decide", proposalRef: rest[1], decision: verb };
      return usageError("calibration");
    }
    case "cashflow": {
      const m = /^if\s+(.+?)\s+slips\s+(-?\d+)\s*(?:days?|d)?$/i.exec(restText);
      if (m) return { kind: "cashflow.forecast", scenario: { deal: m[1]!, slipDays: Number(m[2]) } };
      const on = /^(?:on|at|by|for)\s+(.+)$|^(end of .+|in \d+ .+|next .+|\d{4}-\d{2}-\d{2})$/i.exec(
        restText,
      );
      if (on) return { kind: "cashflow.forecast", on: (on[1] ?? on[2])!.trim() };
      let horizonDays: number | undefined;
      let bucket: "week" | "month" | undefined;
      for (const w of rest.map((x) => x.toLowerCase())) {
        if (int(w) !== undefined && int(w)! > 0 && int(w)! <= 730) horizonDays = int(w);
        else if (w === "week" || w === "weekly" || w === "weeks") bucket = "week";
        else if (w === "month" || w === "monthly" || w === "months") bucket = "month";
        else return usageError("cashflow");
      }
      return { kind: "cashflow.forecast", horizonDays, bucket };
    }
    case "forecast": {
      if (!rest[0]) return usageError("forecast");
      const last = int(rest[rest.length - 1]);
      const metricWords = last !== undefined ? rest.slice(0, -1) : rest;
      if (metricWords.length === 0) return usageError("forecast");
      // The bank balance is forecast by the cash engine (and only for roles that may see cash).
      if (isCashBalanceMetric(metricWords.join(" ")))
        return { kind: "cashflow.forecast", weeks: last !== undefined && last > 0 ? Math.min(last, 52) : 8 };
      return { kind: "forecast.metric", metric: metricWords.join(" "), horizon: last };
    }
    case "plan": {
      const p = rest[0]?.toLowerCase();
      if (p === "staffing" || p === "staff" || p === "shifts")
        return { kind: "optimize.plan", problem: "staffing" };
      if (p === "inventory" || p === "stock") return { kind: "optimize.plan", problem: "inventory" };
      if (p === "budget" || p === "marketing") return { kind: "optimize.plan", problem: "budget" };
      return usageError("plan");
    }
    case "why": {
      const m =
        /^(?:did|is|has|was)?\s*(?:the\s+|our\s+|my\s+)?(.+?)\s+(?:change|changed|drop|dropped|fall|fell|rise|rose|go\s+up|go\s+down|increase|increased|decrease|decreased|grow|grew)\b\s*(.*)$/i.exec(
          restText.replace(/\?$/, ""),
        );
      return m ? { kind: "insights.why", metric: m[1]!, period: m[2] || undefined } : usageError("why");
    }
    case "goals":
      return { kind: "goals.list" };
    case "goal":
      if (rest[0]?.toLowerCase() === "accept")
        return rest[1] ? { kind: "goal.accept", goalRef: rest[1] } : usageError("goal");
      return restText ? { kind: "goal.plan", text: restText } : { kind: "goals.list" };
    case "usage":
      return { kind: "usage.show", month: rest[0] };
    case "digest": {
      const c = rest[0]?.toLowerCase();
      if (c === "off" || c === "now") return { kind: "digest.settings", cadence: c };
      if (c === "daily" && (!rest[1] || /^\d{1,2}:\d{2}$/.test(rest[1])))
        return { kind: "digest.settings", cadence: "daily", time: rest[1], timezone: rest[2] };
      if (
        c === "weekly" &&
        rest[1] &&
        /^(mon|tue|wed|thu|fri|sat|sun)/i.test(rest[1]) &&
        (!rest[2] || /^\d{1,2}:\d{2}$/.test(rest[2]))
      )
        return {
          kind: "digest.settings",
          cadence: "weekly",
          weekday: rest[1].slice(0, 3).toLowerCase(),
          time: rest[2],
          timezone: rest[3],
        };
      return usageError("digest");
    }
    case "settings":
      return rest[0]?.toLowerCase() === "role" && rest[1] && rest[2]
        ? { kind: "settings.role", user: rest[1], role: rest[2].toLowerCase() }
        : usageError("settings");
    case "sources":
    case "sources?":
    case "fuentes":
    case "fuentes?":
    case "¿fuentes?":
    case "quellen":
    case "quellen?":
    case "المصادر":
    case "المصادر؟":
    case "مصادر؟":
      return { kind: "sources.show" };
    case "sync":
    case "connectors": {
      const words2 = rest.map((w) => w.toLowerCase()).filter((w) => w !== "status");
      return words2.length <= 1 ? { kind: "sync.status", provider: words2[0] } : usageError("sync");
    }
  }
  // Natural phrasings that map straight to features without a model.
  const lower = text.toLowerCase();
  if (COLLECTIONS_PHRASE.test(lower)) return { kind: "collections.chase" };
  if (OVERDUE_LIST_PHRASE.test(lower) && !NAMES_A_CUSTOMER.test(lower)) return { kind: "invoices.overdue" };
  if (ON_TRACK.test(lower) && !NAMES_A_FIGURE.test(lower)) return { kind: "goals.list" };
  const followUp = FOLLOW_UP.exec(text);
  if (followUp && !COLLECTIONS_PHRASE.test(lower))
    return POINTS_BACK.test(followUp[1]!)
      ? { kind: "coach.message", text }
      : { kind: "draft.create", query: followUp[1]! };
  const usage = usagePhrase(lower);
  if (usage) return usage;
  const why = /^why\b/.test(lower) ? null : /\bwhy did (.+?) (change|drop|fall|rise|go)/.exec(lower);
  if (why) return { kind: "insights.why", metric: why[1]! };
  // A lone business word ("dso", "revenue") is a question for the coach, not a mistyped command.
  if (
    words.length === 1 &&
    /^(dso|revenue|sales|pipeline|receivables|outstanding|winrate|kontostand|bankguthaben|kassenbestand|efectivo)$/i.test(
      cmd,
    )
  )
    return { kind: "coach.message", text };
  if (words.length === 1 && /^[a-z]+$/i.test(cmd)) {
    const suggestion = closestCommand(cmd);
    return { kind: "unknown", text, suggestion };
  }
  return { kind: "coach.message", text };
}
