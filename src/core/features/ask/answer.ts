import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { resultRows } from "../../infra/db/client.js";
import type { Reply } from "../../ports/reply.js";
import { type Actor, canReadMetric, dataScope } from "../auth/index.js";
import { getTenant, linkDomains } from "../tenancy/index.js";
import { DEFINITIONS } from "./definitions.js";
import { type ExecuteContext, executeQuery, type QueryResult } from "./execute.js";
import { formatFigure } from "./facts.js";
import {
  detectLanguage,
  LANG_LOCALE,
  type Lang,
  MEASURE_LABELS,
  phrase,
  SUGGESTIONS,
  TO_DATE,
  WHAT,
} from "./language.js";
import { parseWithModel } from "./model.js";
import {
  followUpQuery,
  normalise,
  type ParseOutcome,
  parseOverview,
  parseQuestion,
  type Vocabulary,
} from "./parse.js";
import { phraseAnswer } from "./phrase.js";
import { querySchema } from "./query.js";
import { localToday } from "./window.js";

/** The tenant's names the parser resolves against, limited to what the role may see. */
export async function loadVocabulary(tx: Tx, actor: Pick<Actor, "role" | "userId">): Promise<Vocabulary> {
  const s = dataScope(actor);
  const q = async <T>(query: ReturnType<typeof sql>) => resultRows<T>(await tx.execute(query));
  const own = s.deals === "own" ? sql` and owner_user_id = ${actor.userId}` : sql``;
  const customers = await q<{ c: string }>(
    s.invoices
      ? sql`select distinct coalesce(company, name) as c from deals where true${own} union select distinct customer from invoices`
      : sql`select distinct coalesce(company, name) as c from deals where true${own}`,
  );
  const reps = await q<{ id: string; name: string }>(
    sql`select distinct u.id, u.name from users u join deals d on d.owner_user_id = u.id`,
  );
  const stages = await q<{ name: string }>(sql`select distinct name from stages`);
  const metrics = await q<{ key: string; name: string }>(sql`select key, name from metric_series`);
  return {
    customers: customers.map((r) => r.c).filter(Boolean),
    reps: s.deals === "all" ? reps : reps.filter((r) => r.id === actor.userId),
    stages: stages.map((r) => r.name),
    metrics: metrics.filter((m) => canReadMetric(actor, m.key)),
    me: actor.userId,
  };
}

/** A period in the user's language: English keeps its label ("October 2026"), others get dates via Intl. */
function periodLabel(w: NonNullable<QueryResult["window"]>, locale: string, lang: Lang): string {
  if (lang === "en") return w.label;
  const loc = locale.toLowerCase().startsWith(lang) ? locale : LANG_LOCALE[lang];
  const from = new Date(`${w.from}T00:00:00Z`);
  const last = new Date(Date.parse(`${w.to}T00:00:00Z`) - 86_400_000);
  try {
    return new Intl.DateTimeFormat(loc, { dateStyle: "medium", timeZone: "UTC" }).formatRange(from, last);
  } catch {
    return `${w.from} – ${last.toISOString().slice(0, 10)}`;
  }
}

const fmt = formatFigure;

/** The computed result as a chat reply: the figure first, its period, the comparison, the rows. */
export function renderResult(r: QueryResult, currency: string, locale: string, lang: Lang): Reply {
  const period = r.window
    ? ` — ${periodLabel(r.window, locale, lang)}${r.window.toDate ? TO_DATE[lang] : ""}`
    : "";
  const lines: string[] = [];
  const title =
    lang !== "en" && MEASURE_LABELS[r.query.measure]?.[lang]
      ? `${MEASURE_LABELS[r.query.measure]![lang]}${r.title.endsWith("(your deals)") ? ` (${WHAT.deals?.[lang] ?? ""})` : ""}`
      : r.title;
  let head = `${title}${period}`;
  if (r.figure && r.figure.value === null) head += `: ${phrase("noFigure", lang)}`;
  else if (r.figure) {
    head += `: ${fmt(r.figure, currency, locale)}`;
    if (r.previous && r.figure.value !== null && r.previous.figure.value !== null) {
      const p = r.previous.figure.value;
      const change =
        p !== 0
          ? ` (${r.figure.value >= p ? "+" : ""}${((100 * (r.figure.value - p)) / Math.abs(p)).toFixed(1)} %)`
          : "";
      head += ` ${phrase("vs", lang)} ${fmt(r.previous.figure, currency, locale)} (${periodLabel(r.previous.window, locale, lang)})${change}`;
    }
  }
  if (r.query.compare === "target") {
    const n = (v: number | null) =>
      v === null ? "—" : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v);
    if (!r.targets?.length) lines.push(phrase("noTarget", lang));
    for (const t of r.targets ?? [])
      lines.push(
        `${phrase("goal", lang)}: ${t.title} — ${n(t.actual)} ${t.unit} / ${n(t.target)} ${t.unit} (${phrase("expectedToday", lang)} ${n(t.expected)}), ${t.deadline}`,
      );
  }
  if (r.rows) {
    if (r.rows.length === 0) head += `: ${phrase("noneMatch", lang)}`;
    for (const [i, row] of r.rows.entries())
      lines.push(
        `${i + 1}. ${row.label} — ${fmt(row.figure, currency, locale)}${row.detail ? ` · ${row.detail}` : ""}`,
      );
  }
  return {
    text: [head, ...lines].join("\n"),
    sources: r.sources,
    meta: {
      intent: "ask",
      query: r.query,
      figure: r.figure?.value ?? null,
      rows: r.rows?.map((x) => ({ label: x.label, value: x.figure.value })),
      entities: r.rows?.flatMap((x) => (x.ref ? [x.ref] : [])).slice(0, 10),
    },
  };
}

/** Common words of a real message; a message with none of these and no known word is nonsense. */
const COMMON =
  /\b(the|a|is|are|was|were|how|what|whats|who|which|when|why|my|our|we|i|you|me|us|do|does|did|show|tell|give|hi|hello|hey|thanks|thank|please|ok|yes|no|it|of|in|on|for|and|to|with|about|can|should|business|doing|going|help|qué|que|cómo|como|wie|was|wer|ist|und|der|die|das|el|la|los|las)\b|[\u0600-\u06FF]/;

export function isNonsense(text: string, v: Vocabulary): boolean {
  const t = normalise(text);
  if (!/[a-z\u00C0-\u024F\u0600-\u06FF]/.test(t)) return false;
  if (COMMON.test(` ${t} `)) return false;
  if (
    /\b(revenue|sales|deals?|invoices?|cash|pipeline|overdue|owes?|dso|won|rate|month|quarter|year|stuck|forecast|goal|remind|approve|biggest|largest|best|top|total|dso)\b/.test(
      t,
    )
  )
    return false;
  return !v.customers.some((c) => t.includes(c.toLowerCase().split(/\s+/)[0]!));
}

export interface AskOutcome {
  reply: Reply;
  outcome: "answer" | "clarify" | "forbidden" | "not_understood";
}

/**
 * The offline way in: a question about the business → typed query → SQL in the tenant transaction →
 * a reply whose every figure has a source. Returns null when the message is not a data question (the
 * coach answers it). The role's scope applies inside the executor.
 */
export async function askQuestion(
  deps: Deps,
  actor: Actor,
  text: string,
  opts: { lastQuery?: unknown } = {},
): Promise<AskOutcome | null> {
  const tenant = await getTenant(deps.db, actor.tenantId);
  const settings = (tenant?.settings ?? {}) as Record<string, unknown>;
  const locale = typeof settings.locale === "string" ? settings.locale : "en-US";
  const currency = tenant?.currency ?? "USD";
  const lang = detectLanguage(text);
  const ctx: ExecuteContext = {
    today: localToday(deps.clock.now(), tenant?.timezone ?? "UTC"),
    calendar: {
      timeZone: tenant?.timezone ?? "UTC",
      fiscalYearStart: typeof settings.fiscalYearStart === "number" ? settings.fiscalYearStart : 1,
    },
    currency,
    scope: dataScope(actor),
    role: actor.role,
  };
  const vocab = await deps.db.tenantTx(actor.tenantId, (tx) => loadVocabulary(tx, actor));
  // With a model: it writes the typed query, code validates it against the schema and this tenant's
  // names (outside any transaction: no connection is held while the model thinks). Refused or absent
  // → the offline parser reads the message.
  const byModel = await parseWithModel(deps, actor, text, vocab, ctx.today);
  const answered = await deps.db.tenantTx(
    actor.tenantId,
    async (tx): Promise<(AskOutcome & { result?: QueryResult }) | null> => {
      let parsed: ParseOutcome = byModel && byModel.kind !== "none" ? byModel : parseQuestion(text, vocab);
      // "and last month?": the previous query (validated again: it came from storage) with the change.
      const last = opts.lastQuery ? querySchema.safeParse(opts.lastQuery) : undefined;
      if (parsed.kind === "none" && last?.success) {
        const f = followUpQuery(text, last.data, vocab);
        if (f) parsed = { kind: "query", query: f, confidence: 0.7 };
      }
      if (
        parsed.kind === "none" &&
        /\b(going on|happening|status|update|news)\b|\bwhat about\b|\bhow is\b/i.test(text)
      )
        parsed = parseOverview(text, vocab);
      if (parsed.kind === "none") {
        if (!isNonsense(text, vocab)) return null;
        return {
          outcome: "not_understood",
          reply: {
            text: `${phrase("notUnderstood", lang)}\n${SUGGESTIONS[lang].map((s, i) => `${i + 1}. ${s}`).join("\n")}`,
            actions: SUGGESTIONS[lang].map((s, i) => ({
              id: `s${i}`,
              label: s,
              intent: { kind: "coach.message", text: s },
            })),
            meta: { intent: "ask", outcome: "not_understood", lang },
          },
        };
      }
      if (parsed.kind === "clarify")
        return {
          outcome: "clarify",
          reply: {
            text: `${phrase("which", lang)}\n${parsed.choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n")}`,
            actions: parsed.choices.map((c, i) => ({
              id: `c${i}`,
              label: c.label,
              intent: { kind: "coach.message", text: `${text} — ${c.label}` },
            })),
            meta: {
              intent: "ask",
              outcome: "clarify",
              choices: parsed.choices.map((c) => c.label),
              lang,
              parsedBy: parsed === byModel ? "model" : "rules",
            },
          },
        };
      const res = await executeQuery(tx, parsed.query, ctx);
      if (!res.ok) {
        if (res.reason === "forbidden")
          return {
            outcome: "forbidden",
            reply: {
              text: phrase("forbidden", lang, {
                role: actor.role,
                what: WHAT[res.message]?.[lang] ?? res.message,
              }),
              ephemeral: true,
              meta: { intent: "ask", outcome: "forbidden", error: "forbidden", lang },
            },
          };
        return null;
      }
      const reply = renderResult(res, currency, locale, lang);
      reply.meta = {
        ...reply.meta,
        lang,
        definition: DEFINITIONS[res.query.measure].definition,
        parsedBy: parsed === byModel ? "model" : "rules",
      };
      return { outcome: "answer", reply, result: res };
    },
  );
  if (!answered?.result) return answered;
  // With a model: it phrases the computed result (outside the transaction: no connection is held
  // while it writes); its reply is checked against exactly this turn's facts, else the template.
  const { result, reply } = answered;
  const reply2 = await phraseAnswer(deps, {
    tenantId: actor.tenantId,
    userId: actor.userId,
    question: text,
    lang,
    result,
    template: reply,
    currency,
    locale,
    ...(result.window
      ? { period: `${periodLabel(result.window, locale, lang)}${result.window.toDate ? TO_DATE[lang] : ""}` }
      : {}),
    allowedDomains: linkDomains(settings),
  });
  return { outcome: "answer", reply: reply2 };
}
