import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deps } from "../../core/deps.js";
import {
  approveViaApi,
  cashOn,
  type DecisionResult,
  getDraftOut,
  listPendingDrafts,
  metricForecast,
  rejectViaApi,
  usageFor,
} from "../../core/features/api/index.js";
import type { ApiEnv } from "./middleware.js";
import { ApiProblem } from "./problem.js";
import { common, errors, idempotencyHeader, json, jsonBody, writeErrors } from "./route-kit.js";
import { CashOn, Decision, Draft, Forecast, Usage } from "./schemas.js";

const DraftRef = z.object({
  id: z
    .string()
    .regex(/^(\d{1,9}|[0-9a-f-]{36})$/i)
    .openapi({ param: { name: "id", in: "path" }, description: "The draft's id or its number" }),
});

const STATUS = { not_found: 404, forbidden: 403, conflict: 409, confirm_required: 409 } as const;

function decided(r: DecisionResult) {
  if (!r.ok) throw new ApiProblem(STATUS[r.code], r.code.replace("_", "-"), r.message);
  return { draft: r.draft, message: r.message };
}

/** Drafts and approvals (same policy and use case as every chat button), cash, forecasts, usage. */
export function reportRoutes(api: OpenAPIHono<ApiEnv>, deps: Deps) {
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/drafts",
      ...common("drafts:read", "drafts", "Drafts waiting for approval, with what this token's user may do"),
      responses: {
        200: json(
          z.object({ data: z.array(Draft), next_cursor: z.null() }).openapi("DraftList"),
          "Pending drafts (at most 50)",
        ),
        ...errors,
      },
    }),
    async (c) => c.json({ data: await listPendingDrafts(deps, c.var.caller.actor), next_cursor: null }, 200),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/drafts/{id}",
      ...common("drafts:read", "drafts", "One draft"),
      request: { params: DraftRef },
      responses: { 200: json(Draft, "The draft"), ...errors },
    }),
    async (c) => c.json(await getDraftOut(deps, c.var.caller.actor, c.req.valid("param").id), 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/drafts/{id}/approve",
      ...common(
        "drafts:approve",
        "drafts",
        "Approve a draft (approval policy and four eyes apply; sends it)",
      ),
      request: {
        params: DraftRef,
        headers: idempotencyHeader,
        body: jsonBody(
          z
            .strictObject({
              confirm: z
                .boolean()
                .optional()
                .openapi({ description: "Send although the subject got a message recently" }),
            })
            .openapi("ApproveBody"),
        ),
      },
      responses: { 200: json(Decision, "Approved and scheduled"), ...writeErrors },
    }),
    async (c) =>
      c.json(
        decided(
          await approveViaApi(
            deps,
            c.var.caller.actor,
            c.req.valid("param").id,
            c.req.valid("json").confirm ?? false,
          ),
        ),
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/drafts/{id}/reject",
      ...common("drafts:approve", "drafts", "Reject a draft"),
      request: {
        params: DraftRef,
        headers: idempotencyHeader,
        body: jsonBody(z.strictObject({ reason: z.string().max(500).optional() }).openapi("RejectBody")),
      },
      responses: { 200: json(Decision, "Rejected"), ...writeErrors },
    }),
    async (c) =>
      c.json(
        decided(
          await rejectViaApi(deps, c.var.caller.actor, c.req.valid("param").id, c.req.valid("json").reason),
        ),
        200,
      ),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/cashflow",
      ...common(
        "cashflow:read",
        "cash",
        "The cash engine's balance on a day (same figure as `cashflow on DATE`)",
      ),
      request: {
        query: z.object({
          on: z
            .string()
            .min(1)
            .max(60)
            .openapi({
              param: { name: "on", in: "query" },
              example: "2026-01-31",
              description: "A date, or a phrase like 'end of next month'",
            }),
        }),
      },
      responses: { 200: json(CashOn, "Median balance (minor units) with its P10–P90 band"), ...errors },
    }),
    async (c) => c.json(await cashOn(deps, c.var.caller.actor, c.req.valid("query").on), 200),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/forecasts/{metric}",
      ...common("forecasts:read", "metrics", "Forecast of a metric with 80/95 % intervals"),
      request: {
        params: z.object({
          metric: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,62}$/)
            .openapi({ param: { name: "metric", in: "path" }, example: "revenue" }),
        }),
        query: z.object({
          periods: z.coerce
            .number()
            .int()
            .min(1)
            .max(52)
            .default(8)
            .openapi({ param: { name: "periods", in: "query" } }),
        }),
      },
      responses: { 200: json(Forecast, "The forecast"), ...errors },
    }),
    async (c) =>
      c.json(
        await metricForecast(
          deps,
          c.var.caller.actor,
          c.req.valid("param").metric,
          c.req.valid("query").periods,
        ),
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/usage",
      ...common("usage:read", "usage", "AI usage and cost of a month"),
      request: {
        query: z.object({
          month: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
            .optional()
            .openapi({ param: { name: "month", in: "query" }, example: "2026-11" }),
        }),
      },
      responses: { 200: json(Usage, "Usage of the month"), ...errors },
    }),
    async (c) => c.json(await usageFor(deps, c.var.caller.actor, c.req.valid("query").month), 200),
  );
}
