import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IRetryBackoffContext,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { AttemptBudget } from "./attempts.js";
import { isLlmError, LlmError } from "./errors.js";
import type { ProviderName } from "./types.js";

/**
 * Resilience per provider, with cockatiel: timeout (aggressive: a hung server is abandoned and its
 * socket aborted) inside a circuit breaker (consecutive failures) inside a retry with exponential
 * backoff + full jitter that honours Retry-After. A Retry-After longer than `retryAfterMaxMs` is not
 * waited for: the provider is put on cooldown until then and the chain moves on.
 * All providers of one user request share an AttemptBudget (at most 3 calls to model servers).
 */
export interface ResilienceOptions {
  timeoutMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
  /** Retries on the same provider after its first call (the rest of the budget goes to the fallbacks). */
  retries: number;
  retryBaseMs: number;
  retryAfterMaxMs: number;
  now: () => number;
  onBreakerChange?: (provider: ProviderName, state: "closed" | "open" | "half_open") => void;
}

export { AttemptBudget } from "./attempts.js";

// `connection` covers a pooled keep-alive socket the server closed as we reused it (ECONNRESET):
// a second call on a fresh socket succeeds. Timeouts and garbage are not retried on the same provider.
const RETRY_SAME_PROVIDER = new Set(["rate_limited", "server_error", "connection"]);

export class ResilientProvider {
  readonly breaker: CircuitBreakerPolicy;
  private cooldownUntil = 0;

  constructor(
    readonly name: ProviderName,
    private readonly opts: ResilienceOptions,
  ) {
    this.breaker = circuitBreaker(
      // Our own mistakes (bad request, unknown prompt) say nothing about the provider's health.
      handleWhen(
        (e) =>
          !isLlmError(e) || !["bad_request", "offline_unsupported", "context_overflow"].includes(e.subCode),
      ),
      { halfOpenAfter: opts.halfOpenAfterMs, breaker: new ConsecutiveBreaker(opts.breakerThreshold) },
    );
    this.breaker.onStateChange((s) =>
      opts.onBreakerChange?.(
        name,
        s === CircuitState.Open || s === CircuitState.Isolated
          ? "open"
          : s === CircuitState.HalfOpen
            ? "half_open"
            : "closed",
      ),
    );
  }

  get state(): "closed" | "open" | "half_open" {
    const s = this.breaker.state;
    return s === CircuitState.Closed ? "closed" : s === CircuitState.HalfOpen ? "half_open" : "open";
  }

  /** True when a long Retry-After told us to stay away. */
  coolingDown(): boolean {
    return this.opts.now() < this.cooldownUntil;
  }

  /**
   * Runs `fn` (one provider call, given an AbortSignal) with timeout, breaker and retries, taking one
   * unit of `budget` per real call. Throws an LlmError when this provider gives up.
   */
  async run<T>(fn: (signal: AbortSignal) => Promise<T>, budget: AttemptBudget): Promise<T> {
    if (this.coolingDown()) throw new LlmError("rate_limited", `${this.name} cooling down after Retry-After`);
    const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((ctx) => {
      const err = "error" in ctx.result ? ctx.result.error : undefined;
      const ra = isLlmError(err) ? err.retryAfterMs : undefined;
      if (ra !== undefined) return ra;
      // Full jitter: uniform in [0, base·2^(attempt-1)], spreading retries from many replicas.
      return Math.round(Math.random() * this.opts.retryBaseMs * 2 ** (ctx.attempt - 1));
    });
    const retryPolicy = retry(
      handleWhen((e) => {
        if (!isLlmError(e) || !RETRY_SAME_PROVIDER.has(e.subCode) || budget.remaining <= 0) return false;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > this.opts.retryAfterMaxMs) {
          this.cooldownUntil = this.opts.now() + e.retryAfterMs;
          return false;
        }
        return true;
      }),
      { maxAttempts: Math.max(0, Math.min(this.opts.retries, budget.max - 1)), backoff },
    );
    const timeoutPolicy = timeout(this.opts.timeoutMs, TimeoutStrategy.Aggressive);
    const policy = wrap(retryPolicy, this.breaker, timeoutPolicy);
    try {
      return await policy.execute(async ({ signal }) => {
        budget.take();
        return fn(signal);
      });
    } catch (e) {
      if (isBrokenCircuitError(e) || e instanceof BrokenCircuitError)
        throw new LlmError("circuit_open", `${this.name} circuit open`, { cause: e });
      // cockatiel 3.2.1's isTaskCancelledError tests the wrong marker property, so check both ways.
      if (e instanceof TaskCancelledError || isTaskCancelledError(e))
        throw new LlmError("timeout", `${this.name} timed out after ${this.opts.timeoutMs} ms`, { cause: e });
      if (isLlmError(e)) throw e;
      throw new LlmError("bad_response", `${this.name} failed`, { cause: e });
    }
  }
}
