import type { Config } from "../../../config.js";
import { AppError } from "../../kernel/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { Store } from "../../ports/store.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { BudgetGuard } from "./budget.js";
import { ResponseCache } from "./cache.js";
import { DEFAULT_PROMPTS_DIR } from "./config.js";
import { createGateway, type LlmGateway } from "./gateway.js";
import { LedgerWriter } from "./ledger.js";
import { createLlmMetrics } from "./metrics.js";
import { buildPriceTable } from "./pricing.js";
import { loadPromptRegistry, PromptRegistryError } from "./prompts/registry.js";
import { createOfflineProvider, OFFLINE_MODEL } from "./providers/offline.js";
import type { ResilientProvider } from "./resilience.js";
import type { GatewayState, ProviderSlot } from "./state.js";
import { TenantQueues } from "./tenant-queues.js";
import { DEFAULT_MODEL_LIMITS } from "./tokens.js";
import type { ProviderName } from "./types.js";

export { complexity } from "./complexity.js";
export { DEFAULT_PROMPTS_DIR, type LlmEnv, llmEnvSchema } from "./config.js";
export { isLlmError, LlmError, type LlmSubCode } from "./errors.js";
export type { LlmGateway } from "./gateway.js";
export { classifyByRules, INTENT_KINDS, type IntentKind, type RuleIntent } from "./offline/intent-rules.js";
export type { Fact } from "./offline/templates.js";
export { costMicros, DEFAULT_PRICES, priceFor } from "./pricing.js";
export {
  loadPromptRegistry,
  type PromptDef,
  type PromptRegistry,
  PromptRegistryError,
} from "./prompts/registry.js";
export { decideRoute, type RouteDecision, type RouterSettings } from "./router.js";
export { detectSensitive } from "./sensitivity.js";
export { countMessageTokens, countTextTokens, tokenFamily } from "./tokens.js";
export { canaryFor, DATA_POLICY, echoesCanary, guardSystem, quoteData } from "./untrusted.js";
export {
  cacheLine,
  monthRange,
  type PromptCallLine,
  promptCalls,
  type UsageReport,
  usageReport,
} from "./usage-report.js";

export interface LlmDeps {
  config: Config;
  logger: Logger;
  db: Database;
  store: Store;
  clock: Clock;
  metrics: Metrics;
}

/**
 * Builds the LLM gateway: prompt registry (validated now — a bad file stops start-up, naming it),
 * providers from config (OpenAI-compatible and/or Ollama, offline always), resilience, cache,
 * budgets, ledger and metrics. Configured providers are probed once; a failure is a warning, the
 * provider shows as degraded in `health()`, and answers fall back along the chain to offline.
 */
export async function createLlm(deps: LlmDeps): Promise<LlmGateway> {
  const cfg = deps.config.llm;
  const log = deps.logger.child({ component: "llm" });
  let registry: ReturnType<typeof loadPromptRegistry>;
  try {
    registry = loadPromptRegistry(cfg.LLM_PROMPTS_DIR ?? DEFAULT_PROMPTS_DIR);
  } catch (e) {
    if (e instanceof PromptRegistryError) throw new AppError("config_invalid", e.message, { cause: e });
    throw e;
  }
  const metrics = createLlmMetrics(deps.metrics.registry);
  const now = () => deps.clock.now().getTime();
  // Model clients (openai, ollama) and the resilience library load only when a model is configured.
  const hasOpenAi = Boolean(cfg.OPENAI_API_KEY || cfg.OPENAI_BASE_URL);
  const Resilient =
    hasOpenAi || cfg.OLLAMA_HOST ? (await import("./resilience.js")).ResilientProvider : undefined;
  const resilient = (name: ProviderName, timeoutMs: number): ResilientProvider =>
    new (Resilient as typeof ResilientProvider)(name, {
      timeoutMs,
      breakerThreshold: cfg.LLM_BREAKER_THRESHOLD,
      breakerFailureRate: cfg.LLM_BREAKER_FAILURE_RATE,
      breakerWindowMs: cfg.LLM_BREAKER_WINDOW_MS,
      halfOpenAfterMs: cfg.LLM_BREAKER_HALF_OPEN_MS,
      hedgeAfterMs: cfg.LLM_HEDGE_AFTER_MS,
      shared: deps.store,
      retries: cfg.LLM_RETRIES_PER_PROVIDER,
      retryBaseMs: cfg.LLM_RETRY_BASE_MS,
      retryAfterMaxMs: cfg.LLM_RETRY_AFTER_MAX_MS,
      now,
      onBreakerChange: (provider, s) => {
        metrics.breaker.set({ provider }, s === "open" ? 2 : s === "half_open" ? 1 : 0);
        log[s === "open" ? "warn" : "info"]({ provider, state: s }, "llm circuit breaker state changed");
      },
    });

  const providers = new Map<ProviderName, ProviderSlot>();
  if (hasOpenAi) {
    const { createOpenAiProvider } = await import("./providers/openai.js");
    providers.set("openai", {
      provider: createOpenAiProvider({
        apiKey: cfg.OPENAI_API_KEY,
        baseURL: cfg.OPENAI_BASE_URL,
        timeoutMs: cfg.OPENAI_TIMEOUT_MS,
      }),
      resilient: resilient("openai", cfg.OPENAI_TIMEOUT_MS),
      probe: "unknown",
      probedAt: 0,
    });
    metrics.breaker.set({ provider: "openai" }, 0);
  }
  if (cfg.OLLAMA_HOST) {
    const { createOllamaProvider } = await import("./providers/ollama.js");
    providers.set("ollama", {
      provider: createOllamaProvider({ host: cfg.OLLAMA_HOST, numCtx: cfg.OLLAMA_NUM_CTX }),
      resilient: resilient("ollama", cfg.OLLAMA_TIMEOUT_MS),
      probe: "unknown",
      probedAt: 0,
    });
    metrics.breaker.set({ provider: "ollama" }, 0);
  }
  providers.set("offline", { provider: createOfflineProvider(), probe: "ok", probedAt: 0 });

  const state: GatewayState = {
    cfg,
    logger: log,
    db: deps.db,
    clock: deps.clock,
    registry,
    providers,
    router: {
      localMax: cfg.LLM_ROUTE_LOCAL_MAX,
      largeMin: cfg.LLM_ROUTE_LARGE_MIN,
      downgradeAt: cfg.LLM_BUDGET_DOWNGRADE_AT,
      hasOpenAi,
      hasOllama: Boolean(cfg.OLLAMA_HOST),
      models: {
        small: cfg.OPENAI_MODEL_SMALL,
        large: cfg.OPENAI_MODEL_LARGE,
        local: cfg.OLLAMA_MODEL,
        offline: OFFLINE_MODEL,
      },
    },
    budget: new BudgetGuard(
      deps.db,
      deps.store,
      {
        tenantMonthMicros: Math.round(cfg.LLM_TENANT_MONTHLY_BUDGET_USD * 1e6),
        userDayMicros: Math.round(cfg.LLM_USER_DAILY_BUDGET_USD * 1e6),
        ratePerMinute: cfg.LLM_TENANT_RATE_PER_MIN,
      },
      () => deps.clock.now(),
    ),
    ledger: new LedgerWriter(deps.db, (err, rows) =>
      log.error({ err, rows }, "llm ledger write failed; will retry"),
    ),
    cache: new ResponseCache(deps.store, cfg.LLM_CACHE_TTL_SECONDS * 1000),
    metrics,
    prices: buildPriceTable(cfg.LLM_PRICES_JSON),
    limits: { ...DEFAULT_MODEL_LIMITS, ...numberRecord(cfg.LLM_MODEL_LIMITS_JSON) },
    tenantQueues: new TenantQueues(
      { concurrency: cfg.LLM_TENANT_CONCURRENCY, maxQueued: cfg.LLM_TENANT_QUEUE },
      {
        onShed: (tenantId) => {
          deps.metrics.queueShed.inc({ queue: "llm" });
          log.warn({ tenantId }, "llm request shed: the tenant's queue is full");
        },
        latency: deps.metrics.llmLatency,
      },
    ),
  };
  deps.metrics.queues.add(state.tenantQueues!);
  const gateway = createGateway(state);

  if (providers.size === 1)
    log.info("no language model configured: answering with the offline provider only");
  if (cfg.LLM_STARTUP_PROBE) {
    for (const f of await gateway.probe()) {
      log.warn(
        { provider: f.provider, subCode: f.subCode },
        "llm provider unreachable at start-up: it shows as degraded and requests fall back",
      );
      // A rejected key will not fix itself: hold the breaker open so requests skip it at no cost.
      if (f.subCode === "auth") providers.get(f.provider)?.resilient?.breaker.isolate();
    }
  }
  return gateway;
}

function numberRecord(v: Record<string, unknown> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v ?? {})) if (typeof n === "number" && n > 0) out[k] = n;
  return out;
}
