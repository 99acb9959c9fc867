import { date, numeric, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

export const metricSeries = pgTable(
  "metric_series",
  {
    id: id(),
    tenantId: tenantId(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    unit: text("unit").notNull().default(""),
    frequency: text("frequency", { enum: ["day", "week", "month"] })
      .notNull()
      .default("day"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("metric_series_tenant_key").on(t.tenantId, t.key)],
);

/** Values are numeric (exact) because many metrics are money. */
export const metricPoints = pgTable(
  "metric_points",
  {
    tenantId: tenantId(),
    seriesId: uuid("series_id")
      .notNull()
      .references(() => metricSeries.id, { onDelete: "cascade" }),
    on: date("on", { mode: "string" }).notNull(),
    value: numeric("value", { precision: 20, scale: 4, mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.on] })],
);
