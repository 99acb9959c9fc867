import { and, asc, eq, gt, inArray, lte } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { dealStageHistory, deals, stages } from "../../infra/db/schema/index.js";
import { listDeals } from "../deals/index.js";

export interface PipelineDeal {
  id: string;
  name: string;
  valueMinor: number;
  currency: string;
  stage: string;
  at: string;
}

export interface PipelineChanges {
  since: string;
  created: PipelineDeal[];
  moved: (PipelineDeal & { from: string | null })[];
  won: PipelineDeal[];
  lost: PipelineDeal[];
  stuck: (PipelineDeal & { daysInStage: number })[];
}

/**
 * What happened in the pipeline in (since, now]: deals created, moved to another stage, won and
 * lost (from `deal_stage_history`, and from the deal's status for data imported without history),
 * plus the deals stuck now (days in stage over the stage's threshold).
 */
export async function pipelineChanges(tx: Tx, since: Date, now: Date): Promise<PipelineChanges> {
  const entries = await tx
    .select({
      dealId: dealStageHistory.dealId,
      enteredAt: dealStageHistory.enteredAt,
      stage: stages.name,
      isWon: stages.isWon,
      isLost: stages.isLost,
      name: deals.name,
      valueMinor: deals.valueMinor,
      currency: deals.currency,
      createdAt: deals.createdAt,
    })
    .from(dealStageHistory)
    .innerJoin(stages, eq(stages.id, dealStageHistory.stageId))
    .innerJoin(deals, eq(deals.id, dealStageHistory.dealId))
    .where(and(gt(dealStageHistory.enteredAt, since), lte(dealStageHistory.enteredAt, now)))
    .orderBy(asc(dealStageHistory.enteredAt));
  const previousStage = new Map<string, string>();
  const prior = entries.length
    ? await tx
        .select({
          dealId: dealStageHistory.dealId,
          stage: stages.name,
          enteredAt: dealStageHistory.enteredAt,
        })
        .from(dealStageHistory)
        .innerJoin(stages, eq(stages.id, dealStageHistory.stageId))
        .where(
          and(
            inArray(dealStageHistory.dealId, [...new Set(entries.map((e) => e.dealId))]),
            lte(dealStageHistory.enteredAt, since),
          ),
        )
        .orderBy(asc(dealStageHistory.enteredAt))
    : [];
  for (const p of prior) previousStage.set(p.dealId, p.stage);

  const out: PipelineChanges = {
    since: since.toISOString(),
    created: [],
    moved: [],
    won: [],
    lost: [],
    stuck: [],
  };
  const seenCreated = new Set<string>();
  const wonOrLost = new Set<string>();
  for (const e of entries) {
    const d = {
      id: e.dealId,
      name: e.name,
      valueMinor: e.valueMinor,
      currency: e.currency,
      stage: e.stage,
      at: e.enteredAt.toISOString(),
    };
    const from = previousStage.get(e.dealId) ?? null;
    previousStage.set(e.dealId, e.stage);
    if (e.isWon || e.isLost) {
      (e.isWon ? out.won : out.lost).push(d);
      wonOrLost.add(e.dealId);
    } else if (from === null && e.createdAt > since) {
      if (!seenCreated.has(e.dealId)) out.created.push(d);
      seenCreated.add(e.dealId);
    } else out.moved.push({ ...d, from });
  }
  // Deals created or closed without a history row (CSV/API imports) still count.
  const recent = await tx
    .select({
      id: deals.id,
      name: deals.name,
      valueMinor: deals.valueMinor,
      currency: deals.currency,
      status: deals.status,
      createdAt: deals.createdAt,
      updatedAt: deals.updatedAt,
      stage: stages.name,
    })
    .from(deals)
    .innerJoin(stages, eq(stages.id, deals.stageId))
    .where(and(gt(deals.updatedAt, since), lte(deals.updatedAt, now)));
  for (const r of recent) {
    const d = {
      id: r.id,
      name: r.name,
      valueMinor: r.valueMinor,
      currency: r.currency,
      stage: r.stage,
      at: r.updatedAt.toISOString(),
    };
    if (r.status === "open" && r.createdAt > since && r.createdAt <= now && !seenCreated.has(r.id)) {
      out.created.push(d);
      seenCreated.add(r.id);
    }
    if (r.status !== "open" && !wonOrLost.has(r.id)) {
      (r.status === "won" ? out.won : out.lost).push(d);
      wonOrLost.add(r.id);
    }
  }
  out.stuck = (await listDeals(tx, now, { stuck: true }))
    .sort((a, b) => b.valueMinor - a.valueMinor)
    .map((d) => ({
      id: d.id,
      name: d.name,
      valueMinor: d.valueMinor,
      currency: d.currency,
      stage: d.stageName,
      at: d.stageEnteredAt.toISOString(),
      daysInStage: d.daysInStage,
    }));
  return out;
}
