import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { LatencyWindow } from "../kernel/bounded-queue.js";

/** What a bounded queue shows to the gauges and /readyz (kernel BoundedQueue fits). */
export interface QueueSource {
  readonly name: string;
  readonly depth: number;
  readonly inFlight: number;
}

/**
 * The process's bounded queues by name (several sources of one name are summed: one per tenant's
 * WhatsApp number, say). Gauges read them when scraped; /readyz reads them per probe.
 */
export class QueueBoard {
  private readonly sources = new Set<QueueSource>();
  add(q: QueueSource): void {
    this.sources.add(q);
  }
  delete(q: QueueSource): void {
    this.sources.delete(q);
  }
  /** depth and in-flight per queue name. */
  totals(): Record<string, { depth: number; inFlight: number }> {
    const out: Record<string, { depth: number; inFlight: number }> = {};
    for (const q of this.sources) {
      const t = out[q.name] ?? { depth: 0, inFlight: 0 };
      t.depth += q.depth;
      t.inFlight += q.inFlight;
      out[q.name] = t;
    }
    return out;
  }
}

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
  const queues = new QueueBoard();
  new Gauge({
    name: "keel_queue_depth",
    help: "Work accepted and waiting, per bounded queue (this replica)",
    labelNames: ["queue"] as const,
    registers: [registry],
    collect() {
      for (const [queue, t] of Object.entries(queues.totals())) this.set({ queue }, t.depth);
    },
  });
  new Gauge({
    name: "keel_queue_in_flight",
    help: "Work running now, per bounded queue (this replica)",
    labelNames: ["queue"] as const,
    registers: [registry],
    collect() {
      for (const [queue, t] of Object.entries(queues.totals())) this.set({ queue }, t.inFlight);
    },
  });
  const queueShed = new Counter({
    name: "keel_queue_shed_total",
    help: "Work turned away at a full queue (answered busy, left for later, or left in the outbox)",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  /** Model call latencies of the last minute (the gateway adds them; /readyz reads the p90). */
  const llmLatency = new LatencyWindow(60_000);
  return {
    registry,
    httpRequests,
    httpDuration,
    intents,
    outboxDepth,
    outboxDelivered,
    queues,
    queueShed,
    llmLatency,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
