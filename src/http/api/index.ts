import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Deps } from "../../core/deps.js";
import { asAppError } from "../../core/kernel/errors.js";
import { MAX_BODY_BYTES } from "../body.js";
import { statusOf } from "../status.js";
import { type ApiEnv, authenticate, idempotency, rateLimit } from "./middleware.js";
import { ApiProblem, type ProblemError, problem } from "./problem.js";
import { recordRoutes } from "./routes-records.js";
import { reportRoutes } from "./routes-reports.js";

export const API_PREFIX = "/api/";
export const OPENAPI_PATH = "/api/openapi.json";

/** zod issue path → JSON pointer (RFC 6901). */
const pointer = (path: readonly PropertyKey[]) =>
  `/${path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;

type Issue = { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] };

function validationProblem(c: Context, target: string, issues: Issue[]): Response {
  const body = target === "json";
  const errors: ProblemError[] = issues.map((i) => {
    const detail =
      i.code === "unrecognized_keys" ? `unknown field(s): ${(i.keys ?? []).join(", ")}` : i.message;
    return body
      ? { pointer: i.path.length ? pointer(i.path) : "", detail }
      : { parameter: String(i.path[0] ?? target), detail };
  });
  return problem(
    c,
    body ? 422 : 400,
    "validation",
    `${errors.length} problem${errors.length === 1 ? "" : "s"} in the request${body ? "; nothing was written" : ""}.`,
    { errors },
  );
}

/**
 * The REST API under /api: bearer tokens per tenant (acting as a Keel user), scopes checked before
 * validation, rate limits per token, Idempotency-Key on writes, cursor pages, problem+json errors,
 * and the OpenAPI 3.1 document generated from the same zod schemas at /api/openapi.json.
 */
export function createApi(deps: Deps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.target, result.error.issues as Issue[]);
    },
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A token from `keel token create` (keel_<prefix>_<secret>)",
  });
  api.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problem(c, 413, "too-large", `The body is larger than ${MAX_BODY_BYTES} bytes.`),
    }),
  );
  api.use("/api/v1/*", authenticate(deps));
  api.use("/api/v1/*", rateLimit(deps, deps.config.http.apiRateLimit));
  api.use("/api/v1/*", idempotency(deps));
  recordRoutes(api, deps);
  reportRoutes(api, deps);
  api.doc31(OPENAPI_PATH, {
    openapi: "3.1.0",
    info: {
      title: "Keel API",
      version: "1.0.0",
      description:
        "Per-tenant REST API. Writes use the same validation and upsert rules as `keel import`; errors are RFC 9457 problem+json.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
  });
  api.all("/api/*", (c) => problem(c, 404, "not-found", `No endpoint ${c.req.method} ${c.req.path}.`));
  api.onError((err, c) => {
    if (err instanceof ApiProblem) return problem(c, err.status, err.type, err.detail, err.extra);
    if (err instanceof HTTPException) {
      const malformed = err.status === 400;
      return problem(
        c,
        err.status,
        malformed ? "malformed-json" : err.status === 415 ? "unsupported-media-type" : "http",
        malformed
          ? "The body is not valid JSON."
          : err.status === 415
            ? "Send Content-Type: application/json."
            : err.message,
      );
    }
    const e = asAppError(err);
    const status = statusOf(e.code);
    if (status === 500) deps.logger.error({ err, path: c.req.path }, "api error");
    return problem(c, status, e.code.replaceAll("_", "-"), e.userMessage);
  });
  return api;
}
