import type { Deps } from "../../deps.js";
import { formatMoney, formatPct } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Field, Reply, Section, Source } from "../../ports/reply.js";
import { type Actor, can, ownDealsOnly } from "../auth/index.js";
import {
  findSimilarDeals,
  type SimilarResult,
  type SimilarSearch,
  similarSection,
  similarSource,
} from "../similar/index.js";
import { type DealNote, type DealSummary, summarizeDeal } from "./deal-summary.js";
import { type DealRow, findDeal, recentNotes } from "./queries.js";

const FALLBACK_NOTE: Record<NonNullable<DealSummary["fallback"]>, string> = {
  no_model: "no language model is configured",
  offline: "no language model answered",
  llm_failed: "the language model failed",
  provenance: "the model's summary stated figures not in the record",
  output_check: "the model's summary contained a link, contact, mention or instruction",
};

/** Renders a deal summary: figures as fields from the row, language from the model (or code). */
export function dealSummaryReply(
  deal: DealRow,
  notes: DealNote[],
  s: DealSummary,
  mayDraft = true,
  similar?: { search: SimilarSearch; result: SimilarResult; scope: "tenant" | "own" },
): Reply {
  const fields: Field[] = [
    { label: "Stage", value: deal.stageName },
    { label: "Value", value: formatMoney(deal.valueMinor, deal.currency) },
    { label: "Owner", value: deal.ownerName ?? "unassigned" },
    {
      label: "Days in stage",
      value: `${deal.daysInStage}${deal.stuck ? ` (stuck: over ${deal.stuckAfterDays})` : ""}`,
    },
    { label: "Probability", value: formatPct(deal.probability) },
    {
      label: "Confidence",
      value: s.source === "llm" ? s.confidence.toFixed(2) : "0 (deterministic summary)",
    },
  ];
  if (deal.expectedCloseOn) fields.push({ label: "Expected close", value: deal.expectedCloseOn });
  const sections: Section[] = [{ title: "Next action", text: s.nextAction }];
  if (s.blockers.length)
    sections.push({ title: "Blockers", text: s.blockers.map((b) => `• ${b}`).join("\n") });
  if (s.checklist.items.length)
    sections.push({
      title: `Checklist — ${s.checklist.stage}`,
      text: s.checklist.items
        .map((i) => `${i.done ? "✅" : "❌"} ${i.item}${i.done ? "" : " — missing"}`)
        .join("\n"),
    });
  if (s.missing.length)
    sections.push({ title: "Missing information", text: s.missing.map((m) => `• ${m}`).join("\n") });
  if (notes.length)
    sections.push({
      title: "Last notes",
      text: notes.map((n) => `• ${n.createdAt.toISOString().slice(0, 10)}: ${n.body}`).join("\n"),
    });
  if (similar) sections.push(similarSection(similar.result, deal.stageName));
  const sources: Source[] = [
    {
      label: "Deal record",
      detail: `deals.id=${deal.id}: value, stage, stage entered ${deal.stageEnteredAt.toISOString().slice(0, 10)}, owner, next step`,
    },
    {
      label: "Stage rules",
      detail: `stages "${deal.stageName}": stuck after ${plural(deal.stuckAfterDays, "day")}, probability ${deal.probability}, checklist vs deals.facts`,
    },
  ];
  if (similar) sources.push(similarSource(similar.search, similar.scope));
  if (s.source === "llm")
    sources.push({
      label: "Wording",
      detail: `${s.llm?.promptId}@${s.llm?.promptVersion} on ${s.llm?.model}; figures checked against the record`,
    });
  const marker =
    s.source === "deterministic"
      ? `\n_Deterministic summary (${FALLBACK_NOTE[s.fallback ?? "no_model"]})._`
      : "";
  return {
    text: `${bold(deal.name)}${deal.company && deal.company !== deal.name ? ` (${deal.company})` : ""}\n${s.summary}${marker}`,
    fields,
    sections,
    sources,
    // Only open deals, and only to people who may draft (a viewer is never offered it).
    actions:
      deal.status === "open" && mayDraft
        ? [
            {
              id: "remind",
              label: "Draft follow-up",
              style: "primary",
              intent: { kind: "draft.create", query: deal.id },
            },
          ]
        : [],
    meta: {
      dealId: deal.id,
      confidence: s.confidence,
      summary: s.source,
      fallback: s.fallback,
      stuck: deal.stuck,
      missing: s.checklist.missing,
      checklist: s.checklist.items,
      // The refused figures are logged, never put in the reply (not even its metadata).
      ...(s.unsupportedFigures ? { refusedFigures: s.unsupportedFigures.length } : {}),
      ...(similar
        ? {
            similar: similar.result.ok
              ? {
                  pool: similar.result.pool,
                  ids: similar.result.neighbours.map((n) => n.id),
                  ...similar.result.stats,
                  embeddings: similar.search.text.embeddings,
                }
              : { pool: similar.result.pool, reason: similar.result.reason },
          }
        : {}),
    },
  };
}

/** `deal NAME`: finds the deal, summarises it (model or deterministic) and checks its stage checklist. */
export async function dealSummaryReplyFor(deps: Deps, actor: Actor, query: string): Promise<Reply> {
  const found = await deps.db.tenantTx(actor.tenantId, async (tx) => {
    const { deal, candidates } = await findDeal(tx, deps.clock.now(), query, ownDealsOnly(actor));
    return { deal, candidates, notes: deal ? await recentNotes(tx, deal.id) : [] };
  });
  if (!found.deal) {
    if (found.candidates.length === 0)
      return { text: `I found no deal matching "${query}". Try \`deals\` to see them all.` };
    return {
      text: `Several deals match "${query}": ${found.candidates.map((c) => c.name).join(", ")}. Which one?`,
      actions: found.candidates
        .slice(0, 5)
        .map((c, i) => ({ id: `deal${i}`, label: c.name, intent: { kind: "deal.show", query: c.id } })),
    };
  }
  // The model call happens outside the transaction: it may be slow.
  const summary = await summarizeDeal(
    deps,
    { tenantId: actor.tenantId, userId: actor.userId },
    found.deal,
    found.notes,
  );
  // A rep compares only against their own closed deals (they see no one else's).
  const own = ownDealsOnly(actor);
  const search = await findSimilarDeals(deps, actor.tenantId, [found.deal.id], {
    ownerUserId: own,
    userId: actor.userId,
  });
  const result = search.results.get(found.deal.id);
  return dealSummaryReply(
    found.deal,
    found.notes,
    summary,
    can(actor, "draft.create"),
    result ? { search, result, scope: own ? "own" : "tenant" } : undefined,
  );
}
