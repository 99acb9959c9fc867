import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, tenantId, updatedAt } from "./_columns.js";

/** Inputs for the optimisers (staff + shift demand, products, marketing channels), validated by the
 *  optimize feature's zod schemas when read. */
export const planningDatasets = pgTable(
  "planning_datasets",
  {
    id: id(),
    tenantId: tenantId(),
    kind: text("kind", { enum: ["staffing", "inventory", "budget"] }).notNull(),
    data: jsonb("data").$type<unknown>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("planning_datasets_kind").on(t.tenantId, t.kind)],
);
