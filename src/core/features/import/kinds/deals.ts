import { eq, inArray } from "drizzle-orm";
import {
  dealStageHistory,
  deals,
  memberships,
  pipelines,
  stages,
  users,
} from "../../../infra/db/schema/index.js";
import { readPipeline, recordStageChange, type StageRow } from "../../company/index.js";
import { amount, currency, email, isoDate, limited, oneOf, text, wholeDays } from "../fields.js";
import type { BatchCtx, KindSpec } from "../types.js";
import {
  byExternalOrKey,
  columnValues,
  countChange,
  type FieldMap,
  keyIndex,
  patchOf,
  str,
  toDay,
} from "./shared.js";

type Deal = typeof deals.$inferSelect;

const MAP: FieldMap = {
  external_id: { field: "externalId", clearable: false },
  name: { field: "name", clearable: false },
  company: { field: "company", clearable: true },
  pipeline: { field: "pipelineId", clearable: false },
  stage: { field: "stageId", clearable: false },
  value: { field: "valueMinor", clearable: false },
  currency: { field: "currency", clearable: false },
  owner_email: { field: "ownerUserId", clearable: true },
  status: { field: "status", clearable: false },
  stage_entered_on: { field: "stageEnteredAt", clearable: false, convert: toDay },
  expected_close_on: { field: "expectedCloseOn", clearable: true },
  next_step: { field: "nextStep", clearable: true },
  payment_terms_days: { field: "paymentTermsDays", clearable: true },
};

/**
 * Deals: keyed by external_id, else by name; a stage change is recorded in stage history. Stages are
 * the default pipeline's, or those of the pipeline named in the optional `pipeline` column.
 */
export function dealsKind(): KindSpec {
  let pipelineId: string | undefined;
  let stageList: StageRow[] = [];
  const byPipeline = new Map<string, { id: string; stages: StageRow[] }>();
  const userIds = new Map<string, string>();
  return {
    columns: {
      external_id: limited(200),
      name: limited(200),
      company: limited(200),
      pipeline: limited(200),
      stage: text,
      value: amount,
      currency,
      owner_email: email,
      status: oneOf(["open", "won", "lost"] as const),
      stage_entered_on: isoDate,
      expected_close_on: isoDate,
      next_step: limited(1000),
      payment_terms_days: wholeDays,
    },
    required: [["name", "external_id"]],
    async prepare(ctx) {
      const p = await readPipeline(ctx.tx);
      pipelineId = p?.pipeline.id;
      stageList = p?.stages ?? [];
      if (ctx.header.has("pipeline")) {
        const all = await ctx.tx.select().from(pipelines);
        const st = await ctx.tx.select().from(stages).orderBy(stages.position);
        for (const pl of all)
          byPipeline.set(pl.name.toLowerCase(), {
            id: pl.id,
            stages: st.filter((s) => s.pipelineId === pl.id),
          });
      }
      const us = await ctx.tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .innerJoin(memberships, eq(memberships.userId, users.id));
      for (const u of us) userIds.set(u.email, u.id);
    },
    async apply(ctx, rows) {
      const exts = columnValues(rows, "external_id");
      const keys = columnValues(rows, "name");
      const found = await byExternalOrKey(
        exts.length ? () => ctx.tx.select().from(deals).where(inArray(deals.externalId, exts)) : undefined,
        keys.length ? () => ctx.tx.select().from(deals).where(inArray(deals.name, keys)) : undefined,
      );
      const index = keyIndex(found as Partial<Deal>[], (x) => x.name!);
      const news: Partial<Deal>[] = [];
      for (const row of rows) {
        const resolved: Record<string, unknown> = {};
        const pipelineName = str(row.values.pipeline);
        let rowStages = stageList;
        if (pipelineName !== undefined) {
          const pl = byPipeline.get(pipelineName.toLowerCase());
          if (!pl)
            ctx.issue(row, "pipeline", `a pipeline of this company (${[...byPipeline.keys()].join(", ")})`);
          else {
            resolved.pipeline = pl.id;
            rowStages = pl.stages;
          }
        }
        const stageName = str(row.values.stage);
        let stage: StageRow | undefined;
        if (stageName !== undefined) {
          stage = rowStages.find((s) => s.name.toLowerCase() === stageName.toLowerCase());
          if (!stage)
            ctx.issue(
              row,
              "stage",
              rowStages.length
                ? `a stage of this pipeline (${rowStages.map((s) => s.name).join(", ")})`
                : "a stage, but this company has no pipeline yet (keel pipeline apply FILE)",
            );
          else resolved.stage = stage.id;
        }
        const owner = str(row.values.owner_email);
        if (owner !== undefined) {
          if (!userIds.has(owner))
            ctx.issue(row, "owner_email", "a user of this company (see keel users list)");
          else resolved.owner_email = userIds.get(owner);
        }
        const current = index.find(str(row.values.external_id), str(row.values.name));
        if (!current)
          for (const c of ["name", "stage", "value"])
            if (!(c in row.values) && !row.failed) ctx.issue(row, c, "a value (required for a new deal)");
        if (row.failed) continue;
        const patch = patchOf(ctx, row, MAP, resolved);
        if (!current) {
          const at = (patch.stageEnteredAt as Date | undefined) ?? ctx.now;
          const fresh: Partial<Deal> = {
            tenantId: ctx.tenantId,
            pipelineId: pipelineId!,
            currency: ctx.currency,
            status: "open",
            ...patch,
            stageEnteredAt: at,
            updatedAt: ctx.now,
          };
          news.push(fresh);
          index.add(fresh);
          ctx.count("created");
          continue;
        }
        const changed = countChange(ctx, MAP, current as Record<string, unknown>, patch);
        if (!changed.length) continue;
        Object.assign(current, patch);
        if (!current.id) continue; // created earlier in this batch: inserted below with the merged values
        const stageMoved = changed.includes("stageId");
        await ctx.tx
          .update(deals)
          .set({ ...patch, updatedAt: ctx.now })
          .where(eq(deals.id, current.id));
        if (stageMoved)
          await recordStageChange(
            ctx.tx,
            ctx.tenantId,
            [current.id],
            patch.stageId as string,
            (patch.stageEnteredAt as Date) ?? ctx.now,
          );
      }
      await insertDeals(ctx, news);
    },
  };
}

async function insertDeals(ctx: BatchCtx, news: Partial<Deal>[]) {
  if (!news.length) return;
  const ids = await ctx.tx
    .insert(deals)
    .values(news as (typeof deals.$inferInsert)[])
    .returning({ id: deals.id, stageId: deals.stageId, at: deals.stageEnteredAt });
  await ctx.tx
    .insert(dealStageHistory)
    .values(ids.map((d) => ({ tenantId: ctx.tenantId, dealId: d.id, stageId: d.stageId, enteredAt: d.at })));
}
