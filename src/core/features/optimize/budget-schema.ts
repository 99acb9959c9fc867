import { z } from "zod";

/** One piece of a channel's response curve: the next `spend` units of money return `returnPerUnit` each. */
export const segmentSchema = z.object({
  spend: z.number().finite().positive(),
  returnPerUnit: z.number().finite().nonnegative(),
});

export const channelSchema = z
  .object({
    key: z.string().min(1),
    name: z.string().min(1).optional(),
    min: z.number().finite().nonnegative().default(0),
    max: z.number().finite().nonnegative().optional(),
    /** Segments in spending order with decreasing marginal return (a concave curve). */
    segments: z.array(segmentSchema).min(1).max(50),
  })
  .superRefine((c, ctx) => {
    c.segments.forEach((s, k) => {
      const prev = c.segments[k - 1];
      if (prev && s.returnPerUnit > prev.returnPerUnit) {
        ctx.addIssue({
          code: "custom",
          path: ["segments", k, "returnPerUnit"],
          message: `must not exceed the previous segment's ${prev.returnPerUnit} (returns must diminish)`,
        });
      }
    });
    if (c.max !== undefined && c.max < c.min)
      ctx.addIssue({ code: "custom", path: ["max"], message: "must be at least min" });
  });

export const budgetInputSchema = z.object({
  currency: z.string().length(3).default("USD"),
  totalBudget: z.number().finite().nonnegative(),
  /** "return" maximises attributed revenue; "profit" maximises revenue minus spend. */
  objective: z.enum(["return", "profit"]).default("return"),
  channels: z.array(channelSchema).min(1).max(200),
});

export type BudgetInput = z.input<typeof budgetInputSchema>;
export type BudgetData = z.output<typeof budgetInputSchema>;

export interface BudgetPlan {
  channels: {
    key: string;
    name: string;
    spend: number;
    expectedReturn: number;
    /** Return per extra unit of money at this spend (next segment's rate; 0 when the curve is exhausted). */
    marginalReturn: number;
  }[];
  totalSpend: number;
  totalReturn: number;
  unspent: number;
}
