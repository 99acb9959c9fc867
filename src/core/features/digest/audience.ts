import { type Actor, canReadMetric, dataScope } from "../auth/index.js";
import type { DigestData } from "./compose.js";

const hidden = (what: string) => ({
  ok: false as const,
  note: `${what} is not shown for this audience's role.`,
});

/**
 * A digest cut to what its audience's role may see (the same table as every answer): no cash for
 * roles without cashflow.read, only their own deals for reps, no spend without usage.read, no
 * finance metrics in anomalies.
 */
export function digestFor(data: DigestData, audience: Pick<Actor, "role" | "userId">): DigestData {
  const s = dataScope(audience);
  const out: DigestData = { ...data };
  if (!s.cash) out.cash = hidden("Cash");
  if (!s.metrics) {
    out.revenue = hidden("Revenue");
    out.goals = hidden("Goals");
  }
  if (!s.usage) out.llm = hidden("LLM spend");
  if (s.deals === "none") out.pipeline = hidden("Pipeline");
  else if (s.deals === "own" && data.pipeline.ok) {
    // Pipeline entries carry no owner, so a rep's digest leaves the pipeline out rather than guess.
    out.pipeline = hidden("The team pipeline");
  }
  // Pending drafts carry invoice amounts: only for people who see every deal and the invoices.
  if (s.deals !== "all" || !s.invoices) out.approvals = hidden("Approvals");
  if (data.anomalies.ok)
    out.anomalies = {
      ok: true,
      items: data.anomalies.items.filter((a) => s.metrics && canReadMetric(audience, a.metric)),
    };
  return out;
}
