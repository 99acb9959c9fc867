import { Counter, Gauge, type Registry } from "prom-client";

/** Prometheus series of the gateway, registered on the app's registry (one per Deps). */
export function createLlmMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: "keel_llm_requests_total",
      help: "Gateway requests by route, answering provider and outcome",
      labelNames: ["route", "provider", "outcome"] as const,
      registers,
    }),
    attempts: new Counter({
      name: "keel_llm_provider_attempts_total",
      help: "Calls that reached a provider, by outcome (ok or the error sub-code)",
      labelNames: ["provider", "outcome"] as const,
      registers,
    }),
    tokens: new Counter({
      name: "keel_llm_tokens_total",
      help: "Tokens by provider, model and direction (in/out)",
      labelNames: ["provider", "model", "direction"] as const,
      registers,
    }),
    cost: new Counter({
      name: "keel_llm_cost_micros_total",
      help: "Spend in micro-dollars by provider, model and feature",
      labelNames: ["provider", "model", "feature"] as const,
      registers,
    }),
    cache: new Counter({
      name: "keel_llm_cache_total",
      help: "Response cache lookups by result (hit/miss)",
      labelNames: ["result"] as const,
      registers,
    }),
    fallbacks: new Counter({
      name: "keel_llm_fallbacks_total",
      help: "Fallbacks from one provider to the next, by reason",
      labelNames: ["from", "to", "reason"] as const,
      registers,
    }),
    breaker: new Gauge({
      name: "keel_llm_breaker_state",
      help: "Circuit breaker state per provider: 0 closed, 1 half-open, 2 open",
      labelNames: ["provider"] as const,
      registers,
    }),
    budgetDenied: new Counter({
      name: "keel_llm_budget_denied_total",
      help: "Requests kept off cloud providers by a budget or the rate limit",
      labelNames: ["reason"] as const,
      registers,
    }),
  };
}

export type LlmMetrics = ReturnType<typeof createLlmMetrics>;
