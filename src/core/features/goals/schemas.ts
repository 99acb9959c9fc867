import { z } from "zod";

/** `goal.extract_intent` output. */
export const extractedIntentSchema = z.object({
  metric: z.string().nullable(),
  target: z.number().nullable(),
  unit: z.string().nullable(),
  deadline: z.string().nullable(),
  confidence: z.number().min(0).max(1),
});
export type ExtractedIntent = z.infer<typeof extractedIntentSchema>;

/** `goal.smart_goals` output: up to three candidates, each validated by code afterwards. */
export const smartGoalsSchema = z.object({
  goals: z
    .array(
      z.object({
        title: z.string().min(1),
        metric: z.string().min(1),
        baseline: z.number(),
        target: z.number(),
        deadline: z.string(),
        rationale: z.string().default(""),
      }),
    )
    .min(1)
    .max(3),
});
export type SmartGoals = z.infer<typeof smartGoalsSchema>;
