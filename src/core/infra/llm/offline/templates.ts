import { bold } from "../../../kernel/markdown/index.js";
import { plural } from "../../../kernel/text.js";
import { classifyByRules } from "./intent-rules.js";

/**
 * Offline answers per prompt id, built from the raw variables the feature passed (never from the
 * rendered text): figures computed by SQL, deal records, invoice rows. No model, no invention —
 * each answer only restates data it was given. Returns a string, or an object for JSON prompts.
 */
export type OfflineHandler = (vars: Record<string, unknown>) => string | Record<string, unknown>;

/** A computed figure as the coach passes it (`facts` variable). */
export interface Fact {
  key: string;
  label: string;
  value: string;
  /** Topic words the fact answers, for picking the relevant ones. */
  topics?: string[];
}

const str = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : v == null ? fallback : String(v);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function facts(v: unknown): Fact[] {
  if (!Array.isArray(v)) return [];
  return v.filter((f): f is Fact => Boolean(f && typeof f === "object" && "label" in f && "value" in f));
}

const TOPICS: Record<string, RegExp> = {
  pipeline: /\b(pipeline|deals?|stage|stuck|sales? pipe)\b/,
  invoices: /\b(invoices?|overdue|owed|receivables?|unpaid|collect)/,
  revenue: /\b(revenue|sales|income|turnover|doing|business|trend|month)\b/,
  cash: /\b(cash|collected|payments?|paid|bank)\b/,
};

function coachAnswer(vars: Record<string, unknown>): string {
  const question = str(vars.question).toLowerCase();
  const all = facts(vars.facts);
  const wanted = Object.entries(TOPICS)
    .filter(([, re]) => re.test(question))
    .map(([t]) => t);
  const general =
    wanted.length === 0 || /\b(how (is|are) (my|our|the) business|overview|summary|doing)\b/.test(question);
  const picked = general ? all : all.filter((f) => f.topics?.some((t) => wanted.includes(t)));
  const lines = (picked.length ? picked : all).map((f) => `• ${bold(`${f.label}:`)} ${f.value}`);
  if (lines.length === 0)
    return "I don't have any figures for your business yet. Import deals, invoices or metrics (`keel import …`) and ask again.";
  const intro = general
    ? "Here is where the business stands, from your own data:"
    : "Here are the figures that bear on your question:";
  return `${intro}\n${lines.join("\n")}\n\n_No language model is configured, so this is a plain summary of the computed figures; ask about pipeline, invoices, revenue or cash for details._`;
}

function summariseLines(text: string, maxSentences = 5): string {
  const sentences = text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 12);
  return sentences.slice(0, maxSentences).join(" ");
}

function dealSummary(vars: Record<string, unknown>): Record<string, unknown> {
  const d = obj(vars.deal);
  const name = str(d.name, "This deal");
  const stage = str(d.stage, "its current stage");
  const days = typeof d.days_in_stage === "number" ? d.days_in_stage : undefined;
  const missing = Array.isArray(d.missing) ? d.missing.map((m) => str(m)) : [];
  return {
    summary: `${name} (${str(d.company, "no company")}) is in ${stage}${days !== undefined ? ` for ${plural(days, "day")}` : ""}, worth ${str(d.value, "an unknown amount")}.`,
    next_action:
      str(d.next_step) ||
      (missing.length ? `Collect: ${missing.join(", ")}` : "Agree the next step with the buyer."),
    blockers: missing.length ? [`Missing: ${missing.join(", ")}`] : [],
    missing_information: missing,
    confidence: 0,
  };
}

function draft(channel: "email" | "whatsapp", kind: "followup" | "reminder") {
  return (vars: Record<string, unknown>): Record<string, unknown> => {
    const to = str(vars.recipient_name, "there");
    const from = str(vars.sender_name, "");
    const subject =
      str(vars.subject) ||
      (kind === "reminder"
        ? `Reminder: invoice ${str(vars.invoice_number)}`.trim()
        : `Following up: ${str(vars.deal_name)}`);
    const core =
      kind === "reminder"
        ? `a friendly reminder that invoice ${str(vars.invoice_number)} for ${str(vars.amount)} was due on ${str(vars.due_on)}. Could you let us know when we can expect payment?`
        : `following up on ${str(vars.deal_name, "our conversation")}. ${str(vars.next_step) ? `Next step on our side: ${str(vars.next_step)}. ` : ""}Is there anything you need from us to move forward?`;
    const body =
      channel === "whatsapp"
        ? `Hi ${to}, ${core}${from ? ` — ${from}` : ""}`
        : `Hi ${to},\n\nThis is ${core}\n\nBest regards,\n${from}`.trim();
    return channel === "email" ? { subject, body } : { body };
  };
}

function goalIntent(vars: Record<string, unknown>): Record<string, unknown> {
  const t = str(vars.message).toLowerCase();
  const metric = t.match(/\b(revenue|sales|signups?|orders?|leads?|margin|profit|churn)\b/)?.[1] ?? null;
  const amount = t.match(/(\d[\d,.]*)\s*(k|m|%)?/);
  const deadline =
    t.match(
      /\bby (end of )?(q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december|\d{4}-\d{2}-\d{2})\b/,
    )?.[2] ?? null;
  const factor = amount?.[2] === "k" ? 1e3 : amount?.[2] === "m" ? 1e6 : 1;
  const target = amount?.[1] ? Number(amount[1].replace(/,/g, "")) * factor : null;
  return { metric, target, unit: amount?.[2] === "%" ? "percent" : null, deadline, confidence: 0 };
}

const HANDLERS: Record<string, OfflineHandler> = {
  "coach.answer": coachAnswer,
  "coach.summarize_history": (v) => summariseLines(`${str(v.previous_summary)}\n${str(v.messages)}`, 6),
  "intent.classify": (v) => {
    const r = classifyByRules(str(v.message));
    return { intent: r.kind, args: r.args, confidence: r.confidence };
  },
  "deal.summarize": dealSummary,
  "deal.stage_checklist": (v) => {
    const required = Array.isArray(v.required) ? v.required.map((x) => str(x)) : [];
    const have = obj(v.facts);
    return { items: required.map((item) => ({ item, done: Boolean(have[item]) })), confidence: 0 };
  },
  "notes.summarize": (v) => ({ summary: summariseLines(str(v.notes), 4), confidence: 0 }),
  "draft.followup_email": draft("email", "followup"),
  "draft.reminder_email": draft("email", "reminder"),
  "draft.reminder_whatsapp": draft("whatsapp", "reminder"),
  "draft.followup_whatsapp": draft("whatsapp", "followup"),
  // Cashflow's own deterministic rules are authoritative; offline says "no opinion".
  "cashflow.predict_dates": () => ({
    invoice_on: null,
    paid_on: null,
    confidence: 0,
    reason: "no model: rules apply",
  }),
  "goal.extract_intent": goalIntent,
  // The ask feature's template wording is the offline answer; it keeps its own when this is empty.
  "ask.phrase": () => "",
};

export function offlineHandlerFor(promptId: string): OfflineHandler | undefined {
  return HANDLERS[promptId];
}
