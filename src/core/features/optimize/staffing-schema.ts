import { z } from "zod";

export const shiftSchema = z.object({
  key: z.string().min(1),
  label: z.string().min(1).optional(),
  hours: z.number().positive().max(24),
});

export const employeeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  role: z.string().min(1).optional(),
  hourlyCost: z.number().finite().nonnegative(),
  /** Most shifts per 7-day week. */
  maxShiftsPerWeek: z.number().int().min(0).max(21),
  /** Most hours per 7-day week (optional). */
  maxHoursPerWeek: z.number().nonnegative().optional(),
  /** Days (or single shifts of a day) the person cannot work; shift omitted = whole day. */
  unavailable: z.array(z.object({ day: z.string().min(1), shift: z.string().min(1).optional() })).default([]),
  /**
   * Preferences as penalties: `penalty` (in currency) is added to the objective for every assignment
   * matching `day` and/or `shift` (omitted = any), e.g. a disliked night shift. Wages are unchanged.
   */
  penalties: z
    .array(
      z.object({
        day: z.string().min(1).optional(),
        shift: z.string().min(1).optional(),
        penalty: z.number().finite().nonnegative(),
      }),
    )
    .default([]),
});

export const demandSchema = z.object({
  day: z.string().min(1),
  shift: z.string().min(1),
  count: z.number().int().min(0),
  /** When set, only employees with this role count towards it. */
  role: z.string().min(1).optional(),
});

export const staffingInputSchema = z
  .object({
    currency: z.string().length(3).default("USD"),
    /** Day labels in order, e.g. ["Mon", …, "Sun"]; weekly limits apply to each block of 7. */
    days: z.array(z.string().min(1)).min(1).max(56),
    shifts: z.array(shiftSchema).min(1).max(6),
    /** "No `before` shift the day after an `after` shift"; default night → morning when both exist. */
    restRules: z.array(z.object({ after: z.string().min(1), before: z.string().min(1) })).optional(),
    employees: z.array(employeeSchema).min(1).max(500),
    demand: z.array(demandSchema).min(1),
  })
  .superRefine((input, ctx) => {
    const days = new Set(input.days);
    const shifts = new Set(input.shifts.map((s) => s.key));
    if (days.size !== input.days.length)
      ctx.addIssue({ code: "custom", path: ["days"], message: "day labels must be unique" });
    if (shifts.size !== input.shifts.length)
      ctx.addIssue({ code: "custom", path: ["shifts"], message: "shift keys must be unique" });
    input.demand.forEach((d, i) => {
      if (!days.has(d.day))
        ctx.addIssue({ code: "custom", path: ["demand", i, "day"], message: `unknown day "${d.day}"` });
      if (!shifts.has(d.shift))
        ctx.addIssue({ code: "custom", path: ["demand", i, "shift"], message: `unknown shift "${d.shift}"` });
    });
    input.employees.forEach((e, i) => {
      e.unavailable.forEach((u, j) => {
        if (!days.has(u.day))
          ctx.addIssue({
            code: "custom",
            path: ["employees", i, "unavailable", j, "day"],
            message: `unknown day "${u.day}"`,
          });
        if (u.shift !== undefined && !shifts.has(u.shift)) {
          ctx.addIssue({
            code: "custom",
            path: ["employees", i, "unavailable", j, "shift"],
            message: `unknown shift "${u.shift}"`,
          });
        }
      });
    });
    input.employees.forEach((e, i) => {
      e.penalties.forEach((p, j) => {
        if (p.day !== undefined && !days.has(p.day))
          ctx.addIssue({
            code: "custom",
            path: ["employees", i, "penalties", j, "day"],
            message: `unknown day "${p.day}"`,
          });
        if (p.shift !== undefined && !shifts.has(p.shift))
          ctx.addIssue({
            code: "custom",
            path: ["employees", i, "penalties", j, "shift"],
            message: `unknown shift "${p.shift}"`,
          });
      });
    });
    input.restRules?.forEach((r, i) => {
      if (!shifts.has(r.after))
        ctx.addIssue({
          code: "custom",
          path: ["restRules", i, "after"],
          message: `unknown shift "${r.after}"`,
        });
      if (!shifts.has(r.before))
        ctx.addIssue({
          code: "custom",
          path: ["restRules", i, "before"],
          message: `unknown shift "${r.before}"`,
        });
    });
  });

export type StaffingInput = z.input<typeof staffingInputSchema>;
export type StaffingData = z.output<typeof staffingInputSchema>;

export interface StaffingAssignment {
  day: string;
  shift: string;
  employeeId: string;
  name: string;
  role?: string;
}

export interface StaffingPlan {
  assignments: StaffingAssignment[];
  slots: { day: string; shift: string; role?: string; required: number; assigned: number; names: string[] }[];
  employees: { id: string; name: string; shifts: number; hours: number; cost: number }[];
  totalCost: number;
}
