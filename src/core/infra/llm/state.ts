import type { Clock } from "../../ports/clock.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { BudgetGuard } from "./budget.js";
import type { ResponseCache } from "./cache.js";
import type { LlmEnv } from "./config.js";
import type { LedgerWriter } from "./ledger.js";
import type { LlmMetrics } from "./metrics.js";
import { type PriceTable, priceFor } from "./pricing.js";
import type { PromptRegistry } from "./prompts/registry.js";
import type { ResilientProvider } from "./resilience.js";
import type { RouterSettings } from "./router.js";
import type { TenantQueues } from "./tenant-queues.js";
import { modelLimit } from "./tokens.js";
import type { Provider, ProviderName } from "./types.js";

export type HealthStatus = "ok" | "degraded" | "down" | "unconfigured";

export interface ProviderSlot {
  provider: Provider;
  /** Absent for offline, which needs no protection. */
  resilient?: ResilientProvider;
  /** Last probe result. */
  probe: "ok" | "failed" | "unknown";
  probedAt: number;
}

/** Everything the gateway's request path needs, built once by createLlm. */
export interface GatewayState {
  cfg: LlmEnv;
  logger: Logger;
  db: Database;
  clock: Clock;
  registry: PromptRegistry;
  providers: Map<ProviderName, ProviderSlot>;
  router: RouterSettings;
  budget: BudgetGuard;
  ledger: LedgerWriter;
  cache: ResponseCache;
  metrics: LlmMetrics;
  prices: PriceTable;
  limits: Record<string, number>;
  /** Bounded model requests per tenant (absent: unbounded, e.g. unit tests of the request path). */
  tenantQueues?: TenantQueues;
}

export function isLocalProvider(p: ProviderName): boolean {
  return p !== "openai";
}

export function priceOf(state: GatewayState, provider: ProviderName, model: string) {
  return priceFor(state.prices, model, isLocalProvider(provider));
}

export function limitOf(state: GatewayState, provider: ProviderName, model: string): number {
  if (provider === "ollama") return modelLimit(model, state.limits, state.cfg.OLLAMA_NUM_CTX);
  return modelLimit(model, state.limits, provider === "offline" ? 16_000 : 128_000);
}
