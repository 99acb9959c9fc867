import type { Deps } from "../../deps.js";
import { quoteData } from "../../infra/llm/index.js";
import type { Reply } from "../../ports/reply.js";
import { checkFigures, checkOutput, factContext } from "../provenance/index.js";
import type { QueryResult } from "./execute.js";
import { type AnswerFacts, answerFacts } from "./facts.js";
import { LANG_NAMES, type Lang, toneOf, writtenIn } from "./language.js";

const PROMPT_ID = "ask.phrase";
/** Longer than this is not a chat answer (the prompt asks for ≤ 600 characters). */
const MAX_CHARS = 900;

export type PhraseRefusal =
  | "offline"
  | "failed"
  | "timeout"
  | "empty"
  | "too_long"
  | "wrong_language"
  | "unsupported_figure"
  | "link"
  | "mention"
  | "contact"
  | "instruction"
  | "no_answer";

export interface PhraseInput {
  tenantId: string;
  userId: string;
  question: string;
  lang: Lang;
  result: QueryResult;
  /** The template reply (already in the asker's language): the answer whenever the model's is refused. */
  template: Reply;
  currency: string;
  locale: string;
  /** Period labels in the asker's language, as the template writes them. */
  period?: string;
  /** Hosts a reply may link to (the tenant's own). */
  allowedDomains: string[];
}

const TONES = {
  casual: "casual, friendly (match the asker's informal style)",
  formal: "polite, formal (use the formal form of address)",
  neutral: "plain, friendly",
} as const;

/** The data the model is given: this turn's facts only, names quoted as data. */
function resultForModel(r: QueryResult, f: AnswerFacts, period: string | undefined): string {
  return JSON.stringify({
    answer: r.title,
    ...(period ? { period } : {}),
    facts: f.facts.map((x) => ({ id: x.id, label: x.label, display: x.display })),
    ...(f.rows.length
      ? {
          rows: f.rows.map((row) => ({
            n: row.n,
            name: quoteData("name", row.name),
            facts: row.facts,
            ...(row.stage ? { stage: quoteData("stage", row.stage) } : {}),
            ...(row.owner ? { owner: quoteData("owner", row.owner) } : {}),
            ...(row.stuck ? { stuck: true } : {}),
          })),
        }
      : {}),
    ...(f.headline ? { say_first: f.headline.factId } : {}),
  });
}

/** Model text as chat text: no Markdown emphasis or headings (renderers add their own markup). */
function plain(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/__(.+?)__/g, "$1")
    .replace(/^#{1,6}\s+/gm, "")
    .trim();
}

/** List markers ("1.", "2)") number lines; they are not figures. */
const withoutListMarkers = (text: string) => text.replace(/^\s*\d{1,2}[.)]\s+/gm, "");

/** Names shown whole are blanked before figures are read (longest first, any case). */
function withoutNames(text: string, names: string[]): string {
  let out = text;
  for (const n of [...new Set(names)].sort((a, b) => b.length - a.length)) {
    if (n.length < 3) continue;
    out = out.replace(new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "⟨name⟩");
  }
  return out;
}

type Check = { ok: true; used: string[] } | { ok: false; reason: PhraseRefusal; detail: string[] };

/** Every check a model's phrasing must pass before anyone sees it. Pure. */
export function checkPhrasing(
  text: string,
  input: Pick<PhraseInput, "question" | "lang" | "allowedDomains">,
  f: AnswerFacts,
): Check {
  if (!text) return { ok: false, reason: "empty", detail: [] };
  if (text.length > MAX_CHARS) return { ok: false, reason: "too_long", detail: [String(text.length)] };
  const names = f.rows.flatMap((r) => [r.name, r.owner ?? "", r.stage ?? ""]).filter(Boolean);
  // Names ("The Coffee Company") say nothing about the language the reply is written in.
  if (!writtenIn(withoutNames(text, names), input.lang))
    return { ok: false, reason: "wrong_language", detail: [] };
  // Figures: exactly this turn's facts (and what the asker wrote themselves), nothing else. A number
  // inside a name written whole ("Atrium — 1,200 m² tiles") is part of the name, as in the template.
  const figuresText = withoutNames(withoutListMarkers(text), names);
  const ctx = factContext(f.facts, input.question);
  const figures = checkFigures(figuresText, ctx);
  if (!figures.ok)
    return { ok: false, reason: "unsupported_figure", detail: figures.unsupported.slice(0, 10) };
  const findings = checkOutput(text, {
    allowedDomains: input.allowedDomains,
    customerFacing: true,
    slots: [...names, input.question],
  });
  if (findings.length)
    return {
      ok: false,
      reason: findings[0]!.flag,
      // An e-mail address is logged by its domain only (no personal data in logs).
      detail: findings
        .slice(0, 5)
        .map((x) => (x.flag === "contact" ? x.detail.replace(/^.*@/, "@") : x.detail)),
    };
  // The answer first: the headline figure (or the first row, by name) must be in the reply.
  if (f.headline) {
    // Counted without the "too small to be a claim" allowance: "0 deals" states a headline of 0.
    const said = checkFigures(figuresText, ctx, { trivialMax: -1 }).used.includes(f.headline.factId);
    const named = !f.headline.name || text.toLowerCase().includes(f.headline.name.toLowerCase());
    if (!said || !named) return { ok: false, reason: "no_answer", detail: [f.headline.factId] };
  }
  return { ok: true, used: figures.used };
}

/**
 * With a model configured, the computed result of a typed query is given to it as data to phrase in
 * the asker's language and tone. The reply is shown only if it passes `checkPhrasing` against this
 * turn's facts; otherwise (and offline, on a failure, or past the deadline) the template wording is
 * the answer, and the refusal is logged with the prompt version. Sources, rows and entities are the
 * template's, so `sources?`, numbered follow-ups and "and last month?" work the same either way.
 */
export async function phraseAnswer(deps: Deps, input: PhraseInput): Promise<Reply> {
  const { template } = input;
  if (!deps.llm.hasModel()) return template;
  const f = answerFacts(input.result, input.currency, input.locale);
  // Nothing computed to phrase ("no data yet"): the template says so.
  if (!f.headline) return template;
  const log = deps.logger.child({ feature: PROMPT_ID, tenantId: input.tenantId });
  const refuse = (reason: PhraseRefusal, extra: Record<string, unknown> = {}): Reply => {
    // Offline routing (no model for this request) is expected; a model that failed, was late or
    // wrote something the checks refused is worth a warning — a refused figure is a provenance violation.
    const level = reason === "offline" ? "info" : "warn";
    log[level](
      {
        promptId: PROMPT_ID,
        reason,
        ...extra,
        ...(reason === "unsupported_figure" ? { provenance: "violation" } : {}),
      },
      "model phrasing not used; answering with the template wording",
    );
    return { ...template, meta: { ...template.meta, phrasedBy: "template", phraseRefused: reason } };
  };
  const deadline = deps.config.llm.LLM_PHRASE_DEADLINE_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let res: Awaited<ReturnType<Deps["llm"]["chat"]>> | "timeout";
  try {
    res = await Promise.race([
      deps.llm.chat({
        ctx: { tenantId: input.tenantId, userId: input.userId, feature: PROMPT_ID },
        promptId: PROMPT_ID,
        variables: {
          language: LANG_NAMES[input.lang],
          tone: TONES[toneOf(input.question)],
          result: resultForModel(input.result, f, input.period),
          question: input.question,
        },
        routingText: input.question,
      }),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), deadline);
        timer.unref?.();
      }),
    ]);
  } catch (err) {
    return refuse("failed", { err });
  } finally {
    clearTimeout(timer);
  }
  if (res === "timeout") return refuse("timeout", { deadlineMs: deadline });
  const version = res.meta.promptVersion;
  if (res.meta.provider === "offline")
    return refuse("offline", { promptVersion: version, route: res.meta.routeReason });
  const text = plain(res.text);
  const check = checkPhrasing(text, input, f);
  if (!check.ok)
    return refuse(check.reason, {
      promptVersion: version,
      provider: res.meta.provider,
      model: res.meta.model,
      // What was refused (figures, hosts, the missing headline's id) — never the reply itself.
      [check.reason === "unsupported_figure" ? "unsupported" : "detail"]: check.detail,
    });
  return {
    ...template,
    text,
    meta: {
      ...template.meta,
      phrasedBy: "model",
      prompt: `${PROMPT_ID}@${version}`,
      provider: res.meta.provider,
      model: res.meta.model,
      factsUsed: check.used,
    },
  };
}
