import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One Prometheus registry per process (per Deps in tests). Features add their own metrics to it. */
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: "keel_" });
  const httpRequests = new Counter({
    name: "keel_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "keel_http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const intents = new Counter({
    name: "keel_intents_total",
    help: "Intents handled by kind, channel and outcome",
    labelNames: ["kind", "channel", "outcome"] as const,
    registers: [registry],
  });
  const outboxDepth = new Gauge({
    name: "keel_outbox_depth",
    help: "Outbox messages not yet sent (sampled)",
    registers: [registry],
  });
  const outboxDelivered = new Counter({
    name: "keel_outbox_delivered_total",
    help: "Outbox messages delivered by channel",
    labelNames: ["channel", "outcome"] as const,
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, intents, outboxDepth, outboxDelivered };
}

export type Metrics = ReturnType<typeof createMetrics>;
