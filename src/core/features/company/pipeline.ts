import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { dealStageHistory, deals, pipelines, stages } from "../../infra/db/schema/index.js";
import { plural } from "../../kernel/text.js";
import type { PipelineFile, StageEntry } from "./pipeline-spec.js";
import { toStageEntries } from "./pipeline-spec.js";
import type { StageSpec } from "./templates.js";

export type StageRow = typeof stages.$inferSelect;

/** The tenant's default pipeline and its stages in order (undefined when it has none yet). */
export async function readPipeline(tx: Tx) {
  const [pipe] = await tx.select().from(pipelines).where(eq(pipelines.isDefault, true)).limit(1);
  if (!pipe) return undefined;
  const list = await tx
    .select()
    .from(stages)
    .where(eq(stages.pipelineId, pipe.id))
    .orderBy(asc(stages.position));
  return { pipeline: pipe, stages: list };
}

function stageValues(s: StageSpec, position: number) {
  return {
    name: s.name,
    position,
    probability: s.probability,
    cycleDays: s.cycleDays,
    stuckAfterDays: s.stuckAfterDays,
    checklist: s.checklist,
    isInvoiced: s.isInvoiced ?? false,
    isWon: s.isWon ?? false,
    isLost: s.isLost ?? false,
  };
}

/** Creates the default pipeline with these stages; returns the stage ids by name. */
export async function insertPipeline(tx: Tx, tenantId: string, name: string, list: StageSpec[]) {
  const [p] = await tx.insert(pipelines).values({ tenantId, name, isDefault: true }).returning();
  const rows = await tx
    .insert(stages)
    .values(list.map((s, i) => ({ tenantId, pipelineId: p!.id, ...stageValues(s, i + 1) })))
    .returning({ id: stages.id, name: stages.name });
  return { pipelineId: p!.id, stageIds: new Map(rows.map((r) => [r.name, r.id])) };
}

/**
 * Moves a deal to another stage and records it: the open history row is closed and a new one opened,
 * so days-in-stage and the digest's "moved since" stay right. One implementation for imports, the API
 * and pipeline edits.
 */
export async function recordStageChange(
  tx: Tx,
  tenantId: string,
  dealIds: string[],
  stageId: string,
  at: Date,
): Promise<void> {
  if (dealIds.length === 0) return;
  await tx
    .update(dealStageHistory)
    .set({ leftAt: at })
    .where(and(inArray(dealStageHistory.dealId, dealIds), isNull(dealStageHistory.leftAt)));
  await tx
    .insert(dealStageHistory)
    .values(dealIds.map((dealId) => ({ tenantId, dealId, stageId, enteredAt: at })));
  await tx
    .update(deals)
    .set({ stageId, stageEnteredAt: at, updatedAt: at })
    .where(inArray(deals.id, dealIds));
}

export interface PipelineChangeReport {
  ok: boolean;
  errors: string[];
  created: string[];
  renamed: { from: string; to: string }[];
  updated: string[];
  removed: { stage: string; movedTo: string; deals: number }[];
  unchanged: string[];
}

const SAME_KEYS = ["probability", "cycleDays", "stuckAfterDays", "isInvoiced", "isWon", "isLost"] as const;

function differs(row: StageRow, s: StageEntry, position: number): boolean {
  return (
    row.position !== position ||
    SAME_KEYS.some((k) => row[k] !== (s[k] ?? false)) ||
    JSON.stringify(row.checklist) !== JSON.stringify(s.checklist)
  );
}

/**
 * Applies a pipeline file: creates, renames (in place — deals and history keep the stage id), updates
 * and removes stages. Every problem is reported before anything is written; a removed stage's deals
 * move to its `move_to` stage with a stage-history entry, and its old history rows are merged into it.
 */
export async function applyPipeline(
  deps: Deps,
  tenantId: string,
  file: PipelineFile,
  opts: { dryRun?: boolean } = {},
): Promise<PipelineChangeReport> {
  const entries = toStageEntries(file);
  const report: PipelineChangeReport = {
    ok: true,
    errors: [],
    created: [],
    renamed: [],
    updated: [],
    removed: [],
    unchanged: [],
  };
  const now = deps.clock.now();
  const run = async (tx: Tx) => {
    const current = await readPipeline(tx);
    if (!current) {
      await insertPipeline(tx, tenantId, file.pipeline, entries);
      report.created = entries.map((e) => e.name);
      return;
    }
    const byName = new Map(current.stages.map((s) => [s.name.toLowerCase(), s]));
    const claimed = new Map<string, StageEntry>();
    for (const e of entries) {
      const key = (e.renamedFrom ?? e.name).toLowerCase();
      const row = byName.get(key);
      if (e.renamedFrom && !row)
        report.errors.push(`stages: "${e.name}" is renamed_from "${e.renamedFrom}", which does not exist`);
      if (e.renamedFrom && byName.has(e.name.toLowerCase()) && e.name.toLowerCase() !== key)
        report.errors.push(
          `stages: cannot rename "${e.renamedFrom}" to "${e.name}": a stage of that name exists (remove it first)`,
        );
      if (row && claimed.has(row.id))
        report.errors.push(`stages: "${row.name}" is kept twice (by name and by renamed_from)`);
      else if (row) claimed.set(row.id, e);
    }
    const counts = new Map(
      (await tx.select({ stageId: deals.stageId, n: count() }).from(deals).groupBy(deals.stageId)).map(
        (r) => [r.stageId, r.n],
      ),
    );
    const newNames = new Set(entries.map((e) => e.name.toLowerCase()));
    const removals = new Map(file.remove.map((r) => [r.stage.toLowerCase(), r.move_to]));
    for (const r of file.remove) {
      if (!byName.has(r.stage.toLowerCase())) report.errors.push(`remove: there is no stage "${r.stage}"`);
      if (!newNames.has(r.move_to.toLowerCase()))
        report.errors.push(
          `remove: "${r.stage}" moves its deals to "${r.move_to}", which is not among the stages`,
        );
    }
    const dropped = current.stages.filter((s) => !claimed.has(s.id));
    for (const s of dropped)
      if (!removals.has(s.name.toLowerCase()))
        report.errors.push(
          `stages: "${s.name}" (${plural(counts.get(s.id) ?? 0, "deal")}) is missing; keep it, rename it with renamed_from, or list it under remove with move_to`,
        );
    for (const r of file.remove)
      if (claimed.has(byName.get(r.stage.toLowerCase())?.id ?? ""))
        report.errors.push(`remove: "${r.stage}" is also kept among the stages`);
    if (report.errors.length) return;
    // Positions go out of the way first: (pipeline, position) is not unique, but a clean sequence is kept.
    const ids = new Map<string, string>();
    for (const [i, e] of entries.entries()) {
      const row = current.stages.find((s) => claimed.get(s.id) === e);
      if (!row) {
        const [ins] = await tx
          .insert(stages)
          .values({ tenantId, pipelineId: current.pipeline.id, ...stageValues(e, i + 1) })
          .returning({ id: stages.id });
        ids.set(e.name.toLowerCase(), ins!.id);
        report.created.push(e.name);
        continue;
      }
      ids.set(e.name.toLowerCase(), row.id);
      const renamed = row.name !== e.name;
      if (renamed) report.renamed.push({ from: row.name, to: e.name });
      if (renamed || differs(row, e, i + 1)) {
        await tx
          .update(stages)
          .set(stageValues(e, i + 1))
          .where(eq(stages.id, row.id));
        if (!renamed) report.updated.push(e.name);
      } else report.unchanged.push(e.name);
    }
    for (const s of dropped) {
      const target = ids.get(removals.get(s.name.toLowerCase())!.toLowerCase())!;
      const moving = (await tx.select({ id: deals.id }).from(deals).where(eq(deals.stageId, s.id))).map(
        (d) => d.id,
      );
      await recordStageChange(tx, tenantId, moving, target, now);
      await tx.update(dealStageHistory).set({ stageId: target }).where(eq(dealStageHistory.stageId, s.id));
      await tx.delete(stages).where(eq(stages.id, s.id));
      report.removed.push({
        stage: s.name,
        movedTo: removals.get(s.name.toLowerCase())!,
        deals: moving.length,
      });
    }
    if (current.pipeline.name !== file.pipeline)
      await tx.update(pipelines).set({ name: file.pipeline }).where(eq(pipelines.id, current.pipeline.id));
  };
  try {
    await deps.db.tenantTx(tenantId, async (tx) => {
      await run(tx);
      if (report.errors.length || opts.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  report.ok = report.errors.length === 0;
  return report;
}

class Rollback extends Error {}

/** Stages with their deal counts, for `keel pipeline show`. */
export async function pipelineWithCounts(deps: Deps, tenantId: string) {
  return deps.db.tenantTx(tenantId, async (tx) => {
    const current = await readPipeline(tx);
    if (!current) return undefined;
    const counts = new Map(
      (await tx.select({ stageId: deals.stageId, n: count() }).from(deals).groupBy(deals.stageId)).map(
        (r) => [r.stageId, r.n],
      ),
    );
    return {
      name: current.pipeline.name,
      stages: current.stages.map((s) => ({
        name: s.name,
        probability: s.probability,
        cycleDays: s.cycleDays,
        stuckAfterDays: s.stuckAfterDays,
        checklist: s.checklist,
        isInvoiced: s.isInvoiced,
        isWon: s.isWon,
        isLost: s.isLost,
        deals: counts.get(s.id) ?? 0,
      })),
    };
  });
}
