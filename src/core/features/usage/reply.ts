import type { Deps } from "../../deps.js";
import { cacheLine, type UsageReport, usageReport } from "../../infra/llm/index.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";

/** Micro-dollars as dollars: four decimals below one cent, so a cheap month never reads "$0.00". */
export function formatMicrosUsd(micros: number): string {
  return `$${(micros / 1e6).toFixed(micros < 10_000 ? 4 : 2)}`;
}

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const TOP = 5;

const lines = (title: string, rows: UsageReport["byFeature"]) =>
  rows.length
    ? [
        {
          title,
          text: rows
            .slice(0, TOP)
            .map((l) => `• ${l.key}: ${formatMicrosUsd(l.costMicros)} (${plural(l.calls, "call")})`)
            .join("\n"),
        },
      ]
    : [];

/** The tenant's monthly budget in micro-dollars: its own row, else the installation default. */
export function budgetMicros(deps: Deps, report: UsageReport): number {
  return report.budgetMicros ?? Math.round(deps.config.llm.LLM_TENANT_MONTHLY_BUDGET_USD * 1e6);
}

/**
 * `usage [YYYY-MM]`: the tenant's LLM spend for a month from the cost ledger — total against the
 * budget, then the biggest spenders by feature, provider and user.
 */
export async function usageReply(deps: Deps, actor: Actor, month?: string): Promise<Reply> {
  const now = deps.clock.now();
  // "usage last", "what did the AI cost last month?": the calendar month before this one (UTC).
  const m =
    month?.toLowerCase() === "last"
      ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7)
      : (month ?? now.toISOString().slice(0, 7));
  if (!MONTH_RE.test(m))
    return { text: `The month must look like 2026-11, or say "last" (got "${m}").`, ephemeral: true };
  const r = await usageReport(deps.db, actor.tenantId, m);
  const budget = budgetMicros(deps, r);
  const pct =
    budget > 0
      ? ` (${((r.totals.costMicros / budget) * 100).toFixed(1)}% of the ${formatMicrosUsd(budget)} budget)`
      : "";
  return {
    text: `AI spend in ${m}: ${formatMicrosUsd(r.totals.costMicros)}${pct}.`,
    fields: [
      { label: "Calls", value: String(r.totals.calls) },
      { label: "Tokens in / out", value: `${r.totals.tokensIn} / ${r.totals.tokensOut}` },
      { label: "Cache", value: cacheLine(r) },
      { label: "Errors", value: String(r.totals.errors) },
    ],
    sections: [
      ...lines("By feature", r.byFeature),
      ...lines("By provider", r.byProvider),
      ...lines("By user", r.byUser),
    ],
    sources: [
      { label: "LLM cost ledger", detail: `llm_calls for ${m}, ${r.totals.calls} rows, priced per call` },
    ],
    ephemeral: true,
    meta: {
      month: m,
      costMicros: r.totals.costMicros,
      budgetMicros: budget,
      savedMicros: r.totals.savedMicros,
      cacheHitRate: r.totals.cacheHitRate,
    },
  };
}
