import { Counter, Histogram, type Registry } from "prom-client";
import type { Metrics } from "../core/infra/metrics.js";

export interface JobMetrics {
  runs: Counter<"job" | "status">;
  duration: Histogram<"job">;
  units: Counter<"job" | "outcome">;
}

const cache = new WeakMap<Registry, JobMetrics>();

/** Job metrics, registered once per registry: fires by outcome, durations, units of work (digests). */
export function jobMetrics(metrics: Metrics): JobMetrics {
  const hit = cache.get(metrics.registry);
  if (hit) return hit;
  const registers = [metrics.registry];
  const m: JobMetrics = {
    runs: new Counter({
      name: "keel_job_runs_total",
      help: "Job fires by job and outcome (succeeded, failed, skipped = claimed elsewhere)",
      labelNames: ["job", "status"] as const,
      registers,
    }),
    duration: new Histogram({
      name: "keel_job_duration_seconds",
      help: "Job run duration",
      labelNames: ["job"] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    units: new Counter({
      name: "keel_job_units_total",
      help: "Units of work inside jobs (a digest, an alert) by outcome",
      labelNames: ["job", "outcome"] as const,
      registers,
    }),
  };
  cache.set(metrics.registry, m);
  return m;
}
