import { z } from "zod";

/**
 * The typed business query: what every question becomes, whether the offline parser or a model read
 * it. Code executes it (SQL in the tenant's transaction); nothing in it is a figure or SQL. Strict
 * objects: an unknown field is a validation error, not silently ignored.
 */
export const MEASURES = [
  "revenue",
  "invoiced",
  "collected_cash",
  "outstanding_balance",
  "overdue_balance",
  "dso",
  "pipeline_value",
  "deal_count",
  "won_value",
  "win_rate",
  "avg_deal_size",
  "cycle_time",
  "deals",
  "metric",
  "overview",
] as const;
export type Measure = (typeof MEASURES)[number];

export const MAX_LIMIT = 20;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const windowSchema = z.discriminatedUnion("kind", [
  /** A calendar month; without a year, the most recent one that has started. */
  z
    .object({
      kind: z.literal("month"),
      month: z.number().int().min(1).max(12),
      year: z.number().int().min(2000).max(2100).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("quarter"),
      quarter: z.number().int().min(1).max(4),
      year: z.number().int().min(2000).max(2100).optional(),
    })
    .strict(),
  z.object({ kind: z.literal("year"), year: z.number().int().min(2000).max(2100) }).strict(),
  /** this (0) / last (-1) calendar week, month, quarter, year or fiscal year. */
  z
    .object({
      kind: z.literal("relative"),
      unit: z.enum(["week", "month", "quarter", "year", "fiscal_year"]),
      offset: z.number().int().min(-36).max(0),
    })
    .strict(),
  z.object({ kind: z.literal("last_days"), days: z.number().int().min(1).max(1100) }).strict(),
  z.object({ kind: z.literal("range"), from: isoDate, to: isoDate }).strict(),
]);
export type QueryWindow = z.infer<typeof windowSchema>;

export const filtersSchema = z
  .object({
    status: z.enum(["open", "won", "lost"]).optional(),
    stage: z.string().min(1).max(80).optional(),
    ownerId: z.uuid().optional(),
    customer: z.string().min(1).max(120).optional(),
    dealId: z.uuid().optional(),
    stuck: z.boolean().optional(),
    /** Open deals by their expected close date: the period is when they are expected to close. */
    closing: z.boolean().optional(),
    minAmount: z.number().nonnegative().max(1e12).optional(),
  })
  .strict();
export type QueryFilters = z.infer<typeof filtersSchema>;

export const querySchema = z
  .object({
    measure: z.enum(MEASURES),
    /** For measure "metric": the series key. */
    metric: z
      .string()
      .regex(/^[a-z0-9_]{1,64}$/)
      .optional(),
    filters: filtersSchema.default({}),
    groupBy: z.enum(["owner", "stage", "customer", "month"]).optional(),
    rank: z
      .object({ order: z.enum(["top", "bottom"]), limit: z.number().int().min(1).max(MAX_LIMIT) })
      .strict()
      .optional(),
    window: windowSchema.optional(),
    compare: z.enum(["previous_period", "target"]).optional(),
  })
  .strict();
export type BusinessQuery = z.infer<typeof querySchema>;
