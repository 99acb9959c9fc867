import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IBreaker,
  type IRetryBackoffContext,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  TaskCancelledError,
  wrap,
} from "cockatiel";
import type { Store } from "../../ports/store.js";
import type { AttemptBudget } from "./attempts.js";
import { isLlmError, LlmError } from "./errors.js";
import type { ProviderName } from "./types.js";

/**
 * Resilience per provider, with cockatiel: timeout (aggressive: a hung server is abandoned and its
 * socket aborted) inside a circuit breaker inside a retry with exponential backoff + full jitter
 * that honours Retry-After. A Retry-After longer than `retryAfterMaxMs` is not waited for: the
 * provider is put on cooldown until then and the chain moves on.
 *
 * Keeping a flaky model in use (issue 16): the breaker opens on a failure *rate* over a sliding
 * window (default ≥ 90 % of ≥ 10 calls in 30 s), not after a handful of failures, so a provider that
 * still answers half the time stays in use; half-open lets one probe through. An open breaker is
 * published in the shared store (Redis in production) so every replica skips the provider until the
 * half-open time, not only the one that saw the failures; so is a cooldown after a long
 * Retry-After. A call still silent after `hedgeAfterMs` gets a hedge — a second identical call,
 * first answer wins, the loser aborted — and no call may outlive the request's deadline, so a hang
 * costs the hedge delay, not the timeout.
 * All providers of one user request share an AttemptBudget (at most 3 calls to model servers,
 * hedges included) and its deadline.
 */
export interface ResilienceOptions {
  timeoutMs: number;
  /** Calls in the window before the failure rate may open the breaker. */
  breakerThreshold: number;
  /** Failure share in the window that opens the breaker (0–1). */
  breakerFailureRate: number;
  breakerWindowMs: number;
  halfOpenAfterMs: number;
  /** Start a second identical call when the first has not answered after this long (0 = never). */
  hedgeAfterMs: number;
  /** Where an open breaker is published for other replicas (absent: this process only). */
  shared?: Store;
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

/**
 * Opens on a failure rate over a sliding window of one-second buckets: at least `minCalls` calls
 * and a failure share ≥ `rate`. A failed half-open probe re-opens at once; a successful one closes
 * the circuit with an empty window.
 */
export class RateBreaker implements IBreaker {
  state: { buckets: { t: number; ok: number; fail: number }[] } = { buckets: [] };
  constructor(private readonly o: { rate: number; windowMs: number; minCalls: number; now: () => number }) {}
  private bucket() {
    const now = this.o.now();
    const t = Math.floor(now / 1000) * 1000;
    this.state.buckets = this.state.buckets.filter((b) => b.t > now - this.o.windowMs);
    let b = this.state.buckets.at(-1);
    if (!b || b.t !== t) {
      b = { t, ok: 0, fail: 0 };
      this.state.buckets.push(b);
    }
    return b;
  }
  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.state.buckets = [];
    this.bucket().ok++;
  }
  failure(state: CircuitState): boolean {
    if (state === CircuitState.HalfOpen) return true;
    this.bucket().fail++;
    let ok = 0;
    let fail = 0;
    for (const b of this.state.buckets) {
      ok += b.ok;
      fail += b.fail;
    }
    const calls = ok + fail;
    return calls >= this.o.minCalls && fail / calls >= this.o.rate;
  }
}

/**
 * Runs `fn` once, and once more if it is still silent after `afterMs` and `canHedge()` allows it;
 * the first success wins and the other call is aborted. Rejects when every started call failed.
 */
function hedged<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
  afterMs: number,
  canHedge: () => boolean,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const controllers: AbortController[] = [];
    let running = 0;
    let done = false;
    const abortAll = () => {
      for (const c of controllers) c.abort();
    };
    signal.addEventListener("abort", abortAll, { once: true });
    const settle = (then: () => void) => {
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", abortAll);
      then();
    };
    const start = () => {
      const c = new AbortController();
      controllers.push(c);
      running++;
      fn(c.signal).then(
        (v) => {
          if (done) return;
          for (const other of controllers) if (other !== c) other.abort();
          settle(() => resolve(v));
        },
        (e: unknown) => {
          running--;
          if (!done && running === 0) settle(() => reject(e));
        },
      );
    };
    const timer = setTimeout(() => {
      if (!done && running > 0 && canHedge()) start();
    }, afterMs);
    start();
  });
}

/** Runs `fn` with its own abort signal, aborted (and the promise rejected as a timeout) after `ms`. */
function withTimeout<T>(
  ms: number,
  outer: AbortSignal,
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ctrl = new AbortController();
  const relay = () => ctrl.abort();
  outer.addEventListener("abort", relay, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctrl.abort();
      reject(new LlmError("timeout", `${name} timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([fn(ctrl.signal), expired]).finally(() => {
    clearTimeout(timer);
    outer.removeEventListener("abort", relay);
  });
}

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
      {
        halfOpenAfter: opts.halfOpenAfterMs,
        breaker: new RateBreaker({
          rate: opts.breakerFailureRate,
          windowMs: opts.breakerWindowMs,
          minCalls: opts.breakerThreshold,
          now: opts.now,
        }),
      },
    );
    this.breaker.onStateChange((s) => {
      const state =
        s === CircuitState.Open || s === CircuitState.Isolated
          ? "open"
          : s === CircuitState.HalfOpen
            ? "half_open"
            : "closed";
      if (state === "open")
        void opts.shared
          ?.set(this.sharedKey, String(opts.now() + opts.halfOpenAfterMs), { ttlMs: opts.halfOpenAfterMs })
          .catch(() => undefined);
      if (state === "closed") void opts.shared?.del(this.sharedKey).catch(() => undefined);
      opts.onBreakerChange?.(name, state);
    });
  }

  private get sharedKey(): string {
    return `llm:breaker:${this.name}:open`;
  }

  private get cooldownKey(): string {
    return `llm:cooldown:${this.name}`;
  }

  /** Another replica opened this provider's breaker and its half-open time has not come yet. */
  async openElsewhere(): Promise<boolean> {
    if (!this.opts.shared || this.breaker.state !== CircuitState.Closed) return false;
    try {
      return (await this.opts.shared.get(this.sharedKey)) !== null;
    } catch {
      return false; // the store being down never blocks a model call
    }
  }

  /** A long Retry-After seen by any replica (published in the store) has not run out yet. */
  async coolingDownElsewhere(): Promise<boolean> {
    if (!this.opts.shared) return false;
    try {
      const until = await this.opts.shared.get(this.cooldownKey);
      if (until === null) return false;
      this.cooldownUntil = Math.max(this.cooldownUntil, Number(until) || 0);
      return true;
    } catch {
      return false;
    }
  }

  private startCooldown(ms: number): void {
    this.cooldownUntil = this.opts.now() + ms;
    void this.opts.shared
      ?.set(this.cooldownKey, String(this.cooldownUntil), { ttlMs: ms })
      .catch(() => undefined);
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
  async run<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    budget: AttemptBudget,
    /** `retries`: override the configured retries (the last model link of a chain may use all that is left). */
    options: { hedge?: boolean; retries?: number } = {},
  ): Promise<T> {
    if (this.coolingDown() || (await this.coolingDownElsewhere()))
      throw new LlmError("rate_limited", `${this.name} cooling down after Retry-After`);
    if (await this.openElsewhere())
      throw new LlmError("circuit_open", `${this.name} circuit open (opened by another replica)`);
    if (budget.remaining <= 0)
      throw new LlmError("timeout", `${this.name} skipped: the request's deadline passed`);
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
          this.startCooldown(e.retryAfterMs);
          return false;
        }
        // A wait that would end after the deadline is pointless: move on down the chain instead.
        return (e.retryAfterMs ?? 0) < budget.msLeft() - 250;
      }),
      { maxAttempts: Math.max(0, Math.min(options.retries ?? this.opts.retries, budget.max - 1)), backoff },
    );
    // Each attempt's timeout is what is left of the request's deadline (at most the provider's own
    // timeout), so a retry after a Retry-After wait cannot outlive the deadline.
    const policy = wrap(retryPolicy, this.breaker);
    const hedgeAfter = options.hedge === false ? 0 : this.opts.hedgeAfterMs;
    try {
      return await policy.execute(({ signal }) => {
        const ms = Math.max(1, Math.min(this.opts.timeoutMs, Math.floor(budget.msLeft())));
        budget.take();
        return withTimeout(ms, signal, this.name, (s) =>
          hedgeAfter <= 0 || hedgeAfter >= ms
            ? fn(s)
            : hedged(fn, s, hedgeAfter, () => {
                if (budget.remaining <= 0) return false;
                budget.take();
                return true;
              }),
        );
      });
    } catch (e) {
      if (isBrokenCircuitError(e) || e instanceof BrokenCircuitError)
        throw new LlmError("circuit_open", `${this.name} circuit open`, { cause: e });
      // cockatiel 3.2.1's isTaskCancelledError tests the wrong marker property, so check both ways.
      if (e instanceof TaskCancelledError || isTaskCancelledError(e))
        throw new LlmError("timeout", `${this.name} timed out`, { cause: e });
      if (isLlmError(e)) throw e;
      throw new LlmError("bad_response", `${this.name} failed`, { cause: e });
    }
  }
}
