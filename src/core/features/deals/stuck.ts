import type { Deps } from "../../deps.js";
import { getTenant } from "../tenancy/index.js";
import { type DealRow, listDeals } from "./queries.js";

/** Per-stage overrides of `stages.stuck_after_days`, by stage name (case-insensitive). */
export type StuckThresholds = Record<string, number>;

export interface StuckDeal {
  deal: DealRow;
  daysInStage: number;
  threshold: number;
  overBy: number;
}

/** The threshold that applies to a deal: an override for its stage, else the stage's own setting. */
export function stuckThreshold(
  deal: Pick<DealRow, "stageName" | "stuckAfterDays">,
  overrides: StuckThresholds = {},
): number {
  const hit = Object.entries(overrides).find(
    ([stage]) => stage.toLowerCase() === deal.stageName.toLowerCase(),
  );
  return hit && Number.isFinite(hit[1]) && hit[1] > 0 ? hit[1] : deal.stuckAfterDays;
}

/** Open deals past their stage's threshold, worst first. Pure. */
export function detectStuck(deals: DealRow[], overrides: StuckThresholds = {}): StuckDeal[] {
  return deals
    .filter((d) => d.status === "open")
    .map((d) => {
      const threshold = stuckThreshold(d, overrides);
      return { deal: d, daysInStage: d.daysInStage, threshold, overBy: d.daysInStage - threshold };
    })
    .filter((s) => s.overBy > 0)
    .sort((a, b) => b.overBy - a.overBy || b.deal.valueMinor - a.deal.valueMinor);
}

/**
 * Stuck deals of a tenant. Thresholds: `overrides`, else the tenant's `settings.stuckThresholds`,
 * else each stage's `stuck_after_days`.
 */
export async function findStuckDeals(
  deps: Deps,
  tenantId: string,
  overrides?: StuckThresholds,
): Promise<StuckDeal[]> {
  const settings = overrides ? undefined : (await getTenant(deps.db, tenantId))?.settings;
  const fromSettings =
    settings?.stuckThresholds && typeof settings.stuckThresholds === "object"
      ? (settings.stuckThresholds as StuckThresholds)
      : {};
  const deals = await deps.db.tenantTx(tenantId, (tx) => listDeals(tx, deps.clock.now()));
  return detectStuck(deals, overrides ?? fromSettings);
}
