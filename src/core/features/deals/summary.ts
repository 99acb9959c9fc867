import { formatMoney } from "../../kernel/format.js";
import type { Field, Reply } from "../../ports/reply.js";
import { checklistCompliance } from "./checklist.js";
import type { DealRow } from "./queries.js";

/**
 * Deterministic deal summary: every figure comes from the row. Used as is without an LLM and as the
 * fallback when the LLM summary fails (confidence 0).
 */
export function deterministicDealSummary(deal: DealRow, notes: { body: string; createdAt: Date }[]): Reply {
  const { missing } = checklistCompliance(deal);
  const fields: Field[] = [
    { label: "Stage", value: deal.stageName },
    { label: "Value", value: formatMoney(deal.valueMinor, deal.currency) },
    { label: "Owner", value: deal.ownerName ?? "unassigned" },
    {
      label: "Days in stage",
      value: `${deal.daysInStage}${deal.stuck ? ` (stuck: over ${deal.stuckAfterDays})` : ""}`,
    },
    { label: "Status", value: deal.status },
  ];
  if (deal.expectedCloseOn) fields.push({ label: "Expected close", value: deal.expectedCloseOn });
  const lines = [
    `*${deal.name}*${deal.company && deal.company !== deal.name ? ` (${deal.company})` : ""} is in *${deal.stageName}* for ${deal.daysInStage} days${deal.stuck ? " — *stuck*" : ""}.`,
    `Next step: ${deal.nextStep ?? "none recorded"}.`,
  ];
  if (missing.length) lines.push(`Missing for this stage: ${missing.join(", ")}.`);
  const sections = notes.length
    ? [
        {
          title: "Last notes",
          text: notes.map((n) => `• ${n.createdAt.toISOString().slice(0, 10)}: ${n.body}`).join("\n"),
        },
      ]
    : [];
  return {
    text: lines.join("\n"),
    fields,
    sections,
    actions:
      deal.status === "open"
        ? [
            {
              id: "remind",
              label: "Draft follow-up",
              style: "primary",
              intent: { kind: "draft.create", query: deal.id },
            },
          ]
        : [],
    sources: [{ label: "Deal record", detail: `deals.id=${deal.id} (stage history, notes)` }],
    meta: { dealId: deal.id, confidence: 0, summary: "deterministic", stuck: deal.stuck, missing },
  };
}
