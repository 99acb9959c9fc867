import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "../core/deps.js";
import { span } from "../core/infra/telemetry/trace.js";
import { asAppError } from "../core/kernel/errors.js";
import { API_PREFIX, createApi } from "./api/index.js";
import { MAX_BODY_BYTES } from "./body.js";
import { healthRoutes } from "./health.js";
import { statusOf } from "./status.js";

/** Routes that read their body themselves, capped, after cheaper checks (see above). */
export const SELF_LIMITED_PATHS = new Set([
  "/slack/events",
  "/connectors/stripe/webhook",
  "/connectors/pipedrive/webhook",
]);

export type AppEnv = { Variables: { requestId: string } };
export type Mount = (app: Hono<AppEnv>) => void;

/**
 * The hono app: request logging and metrics, health/readiness/metrics, then whatever channels and
 * APIs are mounted (Slack, WhatsApp webhooks, REST). No business logic lives here.
 */
export function createHttpApp(deps: Deps, mounts: Mount[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    // One server span per request (path only: a query string can carry a verify token); a caller's
    // traceparent header is continued. Work started here — an answer after the ack — stays in it.
    await span(
      `${c.req.method} ${c.req.path}`,
      {
        kind: "server",
        parent: c.req.header("traceparent"),
        attributes: { "http.request.method": c.req.method, "url.path": c.req.path },
      },
      async (s) => {
        await next();
        const route = c.req.routePath || "unmatched";
        s.setName(`${c.req.method} ${route}`);
        s.setAttributes({ "http.route": route, "http.response.status_code": c.res.status });
        if (c.res.status >= 500) s.fail({ name: "HttpError", code: String(c.res.status) });
      },
    );
    const route = c.req.routePath || "unmatched";
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    if (route !== "/healthz" && route !== "/metrics")
      deps.logger.info(
        {
          requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round(seconds * 1000),
        },
        "http request",
      );
  });
  // Every body is capped before any route parses it. /slack/events caps its own, after checking the
  // signature headers, so that an unsigned post is refused without reading its body at all.
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      deps.logger.warn({ path: c.req.path, limit: MAX_BODY_BYTES }, "request body too large");
      return c.json({ error: "too_large", message: "Request body too large." }, 413);
    },
  });
  // The REST API caps its own bodies with a problem+json answer.
  app.use("*", (c, next) =>
    SELF_LIMITED_PATHS.has(c.req.path) || c.req.path.startsWith(API_PREFIX) ? next() : limit(c, next),
  );
  app.onError((err, c) => {
    const e = asAppError(err);
    if (e.code === "internal") deps.logger.error({ err, path: c.req.path }, "http error");
    return c.json({ error: e.code, message: e.userMessage }, statusOf(e.code));
  });
  app.route("/", healthRoutes(deps));
  app.route("/", createApi(deps));
  for (const mount of mounts) mount(app);
  app.notFound((c) => c.json({ error: "not_found", message: "No such endpoint." }, 404));
  return app;
}
