import type { z } from "zod";
import type { Result } from "../../kernel/errors.js";
import { fail, ok } from "../../kernel/errors.js";
import type { OptimizeFailure } from "./solve.js";

/** Parses input with a zod schema; failures name the exact field ("employees.2.hourlyCost"). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): Result<z.output<S>, OptimizeFailure> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join(".") : "(root)",
    message: i.message,
  }));
  const first = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  return fail({ code: "bad_input", message: `The ${what} input is not valid — ${first}`, issues });
}
