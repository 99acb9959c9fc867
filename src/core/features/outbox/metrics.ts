import { Counter, Gauge, type Registry } from "prom-client";
import type { Metrics } from "../../infra/metrics.js";

export interface OutboxMetrics {
  deadLetters: Counter<"channel">;
  depthByStatus: Gauge<"status">;
  recovered: Counter<"channel">;
}

const cache = new WeakMap<Registry, OutboxMetrics>();

/** Outbox metrics beyond the shared ones (`keel_outbox_depth`, `keel_outbox_delivered_total`), registered once per registry. */
export function outboxMetrics(metrics: Metrics): OutboxMetrics {
  const hit = cache.get(metrics.registry);
  if (hit) return hit;
  const registers = [metrics.registry];
  const m: OutboxMetrics = {
    deadLetters: new Counter({
      name: "keel_outbox_dead_letters_total",
      help: "Outbox messages given up after the maximum attempts",
      labelNames: ["channel"] as const,
      registers,
    }),
    depthByStatus: new Gauge({
      name: "keel_outbox_depth_by_status",
      help: "Outbox messages not sent, by status (sampled)",
      labelNames: ["status"] as const,
      registers,
    }),
    recovered: new Counter({
      name: "keel_outbox_recovered_total",
      help: "Outbox messages found already delivered on the channel after an unknown outcome (not re-sent)",
      labelNames: ["channel"] as const,
      registers,
    }),
  };
  cache.set(metrics.registry, m);
  return m;
}
