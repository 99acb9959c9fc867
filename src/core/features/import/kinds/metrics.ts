import { and, eq, inArray, sql } from "drizzle-orm";
import { metricPoints, metricSeries } from "../../../infra/db/schema/index.js";
import { isoDate, limited, metricKey, number } from "../fields.js";
import type { KindSpec } from "../types.js";
import { str } from "./shared.js";

const LIMIT = 1e15; // numeric(20,4) holds 16 digits before the point

/** Metric points: keyed by (metric, date); a new metric creates its series. Written in bulk upserts. */
export function metricsKind(): KindSpec {
  const series = new Map<string, { id: string; unit: string }>();
  return {
    columns: { metric: metricKey, date: isoDate, value: number, unit: limited(20) },
    required: [["metric"], ["date"], ["value"]],
    async prepare(ctx) {
      for (const s of await ctx.tx.select().from(metricSeries)) series.set(s.key, { id: s.id, unit: s.unit });
    },
    async apply(ctx, rows) {
      const pending = new Map<string, { seriesId: string; on: string; value: number }>();
      const valid = [];
      for (const row of rows) {
        for (const c of ["metric", "date", "value"]) if (!row.raw[c]) ctx.issue(row, c, "a value (required)");
        const v = row.values.value as number | undefined;
        if (v !== undefined && Math.abs(v) >= LIMIT)
          ctx.issue(row, "value", "a number below 1,000,000,000,000,000 in size");
        if (row.failed) continue;
        const key = str(row.values.metric)!;
        const unit = str(row.values.unit);
        let s = series.get(key);
        if (!s) {
          const name = key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
          const [ins] = await ctx.tx
            .insert(metricSeries)
            .values({ tenantId: ctx.tenantId, key, name, unit: unit ?? "" })
            .returning();
          s = { id: ins!.id, unit: ins!.unit };
          series.set(key, s);
        } else if (unit !== undefined && unit !== s.unit) {
          await ctx.tx.update(metricSeries).set({ unit }).where(eq(metricSeries.id, s.id));
          s.unit = unit;
        }
        valid.push({ seriesId: s.id, on: str(row.values.date)!, value: v! });
      }
      if (!valid.length) return;
      const ids = [...new Set(valid.map((p) => p.seriesId))];
      const days = [...new Set(valid.map((p) => p.on))];
      const stored = new Map(
        (
          await ctx.tx
            .select()
            .from(metricPoints)
            .where(and(inArray(metricPoints.seriesId, ids), inArray(metricPoints.on, days)))
        ).map((p) => [`${p.seriesId}|${p.on}`, p.value]),
      );
      for (const p of valid) {
        const k = `${p.seriesId}|${p.on}`;
        const before = pending.get(k)?.value ?? stored.get(k);
        if (before === undefined) ctx.count("created");
        else ctx.count(before === p.value ? "unchanged" : "updated", before === p.value ? [] : ["value"]);
        if (before !== p.value) pending.set(k, p);
        if (!stored.has(k)) stored.set(k, p.value);
      }
      const list = [...pending.values()].map((p) => ({ tenantId: ctx.tenantId, ...p }));
      if (list.length)
        await ctx.tx
          .insert(metricPoints)
          .values(list)
          .onConflictDoUpdate({
            target: [metricPoints.seriesId, metricPoints.on],
            set: { value: sql`excluded.value` },
          });
    },
  };
}
