import { z } from "@hono/zod-openapi";
import type { Scope } from "../../core/features/api/index.js";
import type { ImportReport } from "../../core/features/import/index.js";
import { requireScope } from "./middleware.js";
import { ApiProblem, type ProblemError } from "./problem.js";
import { ProblemSchema, type WriteReport } from "./schemas.js";

const problemContent = { "application/problem+json": { schema: ProblemSchema } };
const err = (description: string) => ({ description, content: problemContent });

/** What every API route shares: bearer auth, its scope checked before validation, problem responses. */
export function common(scope: Scope, tag: string, summary: string) {
  return {
    tags: [tag],
    summary,
    description: `Needs the scope \`${scope}\` and a role that allows it.`,
    security: [{ bearer: [] }],
    middleware: requireScope(scope),
  };
}

export const errors = {
  400: err("Bad request: a query or path parameter, a malformed body or cursor"),
  401: err("No, malformed, unknown or revoked token"),
  403: err("The token lacks the scope, or its user's role does not allow it"),
  404: err("No such resource (or not visible to this token's user)"),
  429: err("Rate limit per token exceeded; see Retry-After"),
} as const;

export const writeErrors = {
  ...errors,
  409: err("A request with this Idempotency-Key is still running"),
  413: err("Body larger than 1 MiB"),
  415: err("Content-Type is not application/json"),
  422: err("Every problem of every item (JSON pointer, value, what was expected)"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .optional()
    .openapi({
      param: { name: "Idempotency-Key", in: "header" },
      description: "Same key + same body → the first response again; same key + another body → 422",
    }),
});

/**
 * A write's report, or a 422 problem listing every issue. `at` maps an issue to its JSON pointer
 * (bulk: /items/<index>/<field>; single objects map fields to their own names).
 */
export function reportOrProblem(r: ImportReport, at: (line: number, field: string) => string) {
  if (!r.ok) {
    const list: ProblemError[] = r.errors.map((i) => ({
      pointer: at(i.line, i.field),
      detail: i.line < 0 ? `${i.field}: needed in the items` : `expected ${i.expected}`,
      ...(i.value !== "" ? { value: i.value } : {}),
    }));
    throw new ApiProblem(
      422,
      "validation",
      `${r.errorCount} problem${r.errorCount === 1 ? "" : "s"} in the request; nothing was written.`,
      { errors: list, ...(r.errorCount > list.length ? { error_count: r.errorCount } : {}) },
    );
  }
  return {
    dry_run: r.dryRun,
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    fields: r.fields,
  } satisfies z.infer<typeof WriteReport>;
}

export const itemPointer = (line: number, field: string) =>
  line < 0 ? "/items" : field === "row" ? `/items/${line}` : `/items/${line}/${field}`;
