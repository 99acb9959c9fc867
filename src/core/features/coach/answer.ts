import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { tenants } from "../../infra/db/schema/index.js";
import { echoesCanary, isLlmError, quoteData } from "../../infra/llm/index.js";
import type { ProgressSink } from "../../intents/feature.js";
import { isAppError } from "../../kernel/errors.js";
import { bold } from "../../kernel/markdown/index.js";
import type { LlmCallMeta } from "../../ports/llm.js";
import type { Reply } from "../../ports/reply.js";
import { type DataScope, scopeKey } from "../auth/index.js";
import {
  checkFigures,
  checkOutput,
  factContext,
  guardFigures,
  referenceFigures,
  type TypedFact,
} from "../provenance/index.js";
import { linkDomains } from "../tenancy/index.js";
import { computeFigures, describeFigures, figureFacts } from "./figures.js";
import { isoDay } from "./format.js";
import { appendTurn, dueForFolding, historyForModel, loadHistory, saveSummary } from "./history.js";
import { checkedProgress } from "./progress.js";
import { refersToEarlierTurns } from "./refers.js";

export interface CoachInput {
  tenantId: string;
  /** What the asker's role may see; the figures the model gets are filtered by it. */
  scope?: DataScope;
  /** Keel user id (uuid): history is kept per person. */
  userId: string;
  channel: string;
  conversationId: string;
  threadId?: string;
  text: string;
  /** Shows the answer growing (Slack edits its placeholder); only checked sentences reach it. */
  onProgress?: ProgressSink;
}

/** No scope given: the caller acts for the whole business (jobs, tests). */
const ALL_SCOPE: DataScope = {
  deals: "all",
  userId: "",
  invoices: true,
  cash: true,
  metrics: true,
  usage: true,
};

/** Longer messages are refused before any tokenising (a paste of a whole document, by mistake). */
export const MAX_INPUT_CHARS = 100_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const EMPTY_MESSAGE_REPLY =
  "I didn't catch a question there. Ask me anything about your business — for example “how is my business doing?”, “cashflow 90” or “deal Acme”.";
export const TOO_LONG_REPLY =
  "That message is too long for me to read in one go. Please send the key part (a few paragraphs at most), or split it into several questions.";

function replyMeta(m: LlmCallMeta): Record<string, unknown> {
  return {
    intent: "coach",
    provider: m.provider,
    model: m.model,
    route: m.route,
    routeReason: m.routeReason,
    tokensIn: m.tokensIn,
    tokensOut: m.tokensOut,
    costMicros: m.costMicros,
    costUsd: m.costMicros / 1e6,
    cacheHit: m.cacheHit,
    prompt: `${m.promptId}@${m.promptVersion}`,
    latencyMs: Math.round(m.latencyMs),
    attempts: m.attempts,
    ...(m.fallbacks ? { fallbacks: m.fallbacks } : {}),
    ...(m.warnings?.length ? { warnings: m.warnings } : {}),
  };
}

/**
 * Answers a free question with the tenant's computed figures and the asker's own conversation
 * history. The gateway picks the model (or offline templates when there is none); numbers come
 * only from `computeFigures` and are listed as sources. Bad input gets a clear reply, not an error.
 */
export async function answerCoach(deps: Deps, input: CoachInput): Promise<Reply> {
  const log = deps.logger.child({ feature: "coach", tenantId: input.tenantId, channel: input.channel });
  const text = input.text.trim();
  if (!text) return { text: EMPTY_MESSAGE_REPLY, meta: { intent: "coach", outcome: "empty_message" } };
  if (text.length > MAX_INPUT_CHARS)
    return { text: TOO_LONG_REPLY, meta: { intent: "coach", outcome: "too_long", chars: text.length } };
  const now = deps.clock.now();
  const [tenant] = await deps.db.orm
    .select({ name: tenants.name, currency: tenants.currency, settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, input.tenantId));
  const currency = tenant?.currency ?? "USD";
  // History needs a Keel user id; a raw platform id would mix people up, so it gets a stateless answer.
  const keepHistory = UUID.test(input.userId);
  if (!keepHistory) log.warn("coach called without a Keel user id: answering without history");

  const { figures, history } = await deps.db.tenantTx(input.tenantId, async (tx) => ({
    figures: await computeFigures(tx, now, currency, input.scope),
    history: keepHistory ? await loadHistory(tx, { ...input, threadId: input.threadId }, now) : null,
  }));
  const described = describeFigures(figures);
  const forModel = describeFigures(figures, (s) => quoteData("stage", s));
  const facts = figureFacts(figures);
  // The conversation goes to the model only when the question leans on it ("why did it drop?"); a
  // self-contained question is answered from this turn's facts alone, so its cached answer can be
  // reused by anyone with the same data scope and no one's earlier words reach another's reply.
  const withHistory = history !== null && refersToEarlierTurns(text);

  const outputPolicy = {
    allowedDomains: linkDomains(tenant?.settings),
    customerFacing: true,
    slots: [text],
  };
  const context = factContext(facts, text);
  const onText = input.onProgress
    ? checkedProgress(
        input.onProgress,
        (prefix) =>
          !echoesCanary(prefix, input.tenantId) &&
          checkFigures(prefix, context).ok &&
          checkOutput(prefix, outputPolicy).length === 0,
      )
    : undefined;

  let answer: { text: string; meta: LlmCallMeta };
  try {
    answer = await deps.llm.chat(
      {
        ctx: { tenantId: input.tenantId, userId: input.userId, feature: "coach" },
        promptId: "coach.answer",
        variables: {
          tenant_name: tenant?.name ?? "your business",
          today: isoDay(now),
          figures: forModel.text,
          summary: withHistory && history?.summary ? quoteData("summary", history.summary) : "(none)",
          question: text,
          facts: described.facts,
        },
        history: withHistory && history ? historyForModel(history) : [],
        routingText: text,
        cacheScope: scopeKey(input.scope ?? ALL_SCOPE),
      },
      onText ? { onText } : undefined,
    );
  } catch (e) {
    if (isLlmError(e) && e.subCode === "context_overflow") {
      log.info({ outcome: "too_long" }, "coach question over the context limit");
      return { text: TOO_LONG_REPLY, meta: { intent: "coach", outcome: "too_long" } };
    }
    log.error({ err: e }, "coach answer failed");
    const lines = described.facts.map((f) => `• ${bold(`${f.label}:`)} ${f.value}`).join("\n");
    const why = isAppError(e) ? e.userMessage : "I could not reach a language model.";
    return {
      text: `${why} Here are your current figures:\n${lines}`,
      sources: described.sources,
      meta: { intent: "coach", outcome: "degraded" },
    };
  }

  const meta = replyMeta(answer.meta);
  const templateText = `Here are your current figures:\n${described.facts.map((f) => `• ${bold(`${f.label}:`)} ${f.value}`).join("\n")}`;
  // Every figure a model writes must be one of this turn's computed facts (or the asker's own words);
  // history, summaries and data text the model read are never a source.
  if (answer.meta.provider !== "offline") {
    const guarded = guardFigures(log, {
      feature: "coach",
      promptId: "coach.answer",
      ...(answer.meta.promptVersion !== undefined ? { promptVersion: answer.meta.promptVersion } : {}),
      llmText: answer.text,
      fallbackText: templateText,
      context,
    });
    if (guarded.usedFallback) {
      answer = { ...answer, text: guarded.text };
      meta.provenance = { fallback: true, unsupported: guarded.unsupported };
    }
    // Links only to the tenant's own domain; no instructions, e-mail addresses or @-mentions picked up
    // from data — only what the asker wrote themselves may come back.
    const findings = checkOutput(answer.text, outputPolicy);
    if (findings.length) {
      log.warn(
        {
          findings: findings.slice(0, 5),
          promptId: "coach.answer",
          promptVersion: answer.meta.promptVersion,
        },
        "coach reply failed an output check; using the template wording",
      );
      answer = { ...answer, text: templateText };
      meta.outputFlags = findings.map((f) => f.flag);
    }
  }
  if (history) {
    await deps.db.tenantTx(input.tenantId, (tx) =>
      appendTurn(tx, history, input.tenantId, now, text, answer.text, meta),
    );
    await foldOlderMessages(deps, input, history.conversationId, facts).catch((err) =>
      log.warn({ err }, "history summary failed"),
    );
  }
  return { text: answer.text, sources: described.sources, meta };
}

/**
 * Folds messages beyond the verbatim window into the running summary (local tier prompt). Figures in
 * the summary are replaced by references to this turn's facts (or "[figure]"), so nothing the
 * summary says can later pass for a computed figure.
 */
async function foldOlderMessages(
  deps: Deps,
  input: CoachInput,
  conversationId: string,
  facts: TypedFact[],
): Promise<void> {
  const h = await deps.db.tenantTx(input.tenantId, (tx) => loadHistory(tx, input, deps.clock.now()));
  if (h.conversationId !== conversationId) return;
  const fold = dueForFolding(h.recent);
  const last = fold.at(-1);
  if (!last) return;
  const res = await deps.llm.chat({
    ctx: { tenantId: input.tenantId, userId: input.userId, feature: "coach.summary" },
    promptId: "coach.summarize_history",
    variables: {
      previous_summary: h.summary || "(none)",
      messages: fold.map((m) => `${m.role === "user" ? "User" : "Coach"}: ${m.content}`).join("\n"),
    },
  });
  await deps.db.tenantTx(input.tenantId, (tx) =>
    saveSummary(tx, conversationId, referenceFigures(res.text.trim(), facts), last.createdAt),
  );
}
