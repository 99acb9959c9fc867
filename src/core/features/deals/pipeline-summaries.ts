import type { Deps } from "../../deps.js";
import { mapLimit } from "../../kernel/concurrency.js";
import { type DealSummary, summarizeDeal } from "./deal-summary.js";
import { type DealFilter, type DealRow, listDeals, recentNotes } from "./queries.js";

export interface PipelineSummaryOptions {
  filter?: DealFilter;
  /** Deals summarised at the same time (model calls in flight); default 3. */
  concurrency?: number;
  /** At most this many deals, largest first within stage order; default 50. */
  limit?: number;
  userId?: string;
}

/**
 * Summaries for a pipeline with bounded concurrency. Each deal degrades on its own: one failing
 * model call gives that deal the deterministic summary, never fails the batch.
 */
export async function summarizePipeline(
  deps: Deps,
  tenantId: string,
  opts: PipelineSummaryOptions = {},
): Promise<{ deal: DealRow; summary: DealSummary }[]> {
  const now = deps.clock.now();
  const rows = await deps.db.tenantTx(tenantId, async (tx) => {
    const deals = (await listDeals(tx, now, opts.filter)).slice(0, opts.limit ?? 50);
    const out: { deal: DealRow; notes: Awaited<ReturnType<typeof recentNotes>> }[] = [];
    for (const deal of deals) out.push({ deal, notes: await recentNotes(tx, deal.id) });
    return out;
  });
  return mapLimit(rows, opts.concurrency ?? 3, async ({ deal, notes }) => ({
    deal,
    summary: await summarizeDeal(deps, { tenantId, userId: opts.userId }, deal, notes),
  }));
}
