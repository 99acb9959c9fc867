import type { LlmCallMeta } from "../../ports/llm.js";
import { span } from "../telemetry/trace.js";
import type { AttemptBudget } from "./attempts.js";
import type { CachedAnswer } from "./cache.js";
import { isLlmError, LlmError } from "./errors.js";
import type { LedgerEntry } from "./ledger.js";
import { estimateLink, fitFor, ledgerBase, type PreparedRequest } from "./prepare.js";
import { costMicros } from "./pricing.js";
import type { ChainLink } from "./router.js";
import { type GatewayState, limitOf, priceOf } from "./state.js";
import { countTextTokens } from "./tokens.js";
import type { ProviderRequest, ProviderResponse } from "./types.js";
import { echoesCanary } from "./untrusted.js";

export interface Answer {
  text: string;
  meta: LlmCallMeta;
  link: ChainLink;
}

export interface ExecuteOptions {
  attempts: AttemptBudget;
  /** Write the answer to the cache (structured calls do it only after validation). */
  cacheWrite: boolean;
  cacheRead: boolean;
}

const subCode = (e: unknown) => (isLlmError(e) ? e.subCode : "bad_response");

/**
 * Usage as billed: a provider's reported counts are bounded like any input. A negative, fractional,
 * non-finite or impossible count (output over the request's max tokens, input over the context
 * window) is replaced by the maximum the request could have used, so the budget never goes
 * negative and one reply can never book more than its worst case. Null when the report was sane.
 */
export function boundedUsage(
  res: ProviderResponse,
  counted: { tokensIn: number; maxIn: number; maxOut: number },
): { tokensIn: number; tokensOut: number; insane: string | null } {
  if (!res.usageReported) return { tokensIn: counted.tokensIn, tokensOut: 0, insane: null };
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  const inOk = ok(res.tokensIn, counted.maxIn);
  const outOk = ok(res.tokensOut, counted.maxOut);
  if (inOk && outOk) return { tokensIn: res.tokensIn, tokensOut: res.tokensOut, insane: null };
  return {
    tokensIn: inOk ? res.tokensIn : Math.max(counted.tokensIn, 0),
    tokensOut: outOk ? res.tokensOut : counted.maxOut,
    insane: `reported usage in=${res.tokensIn} out=${res.tokensOut}`,
  };
}

/** What one call came to, for the reply's metadata (execute and stream alike). */
export function meta(
  p: PreparedRequest,
  link: ChainLink,
  reason: string,
  extra: Partial<LlmCallMeta>,
): LlmCallMeta {
  return {
    provider: link.provider,
    model: link.model,
    route: link.route,
    routeReason: reason,
    tokensIn: 0,
    tokensOut: 0,
    costMicros: 0,
    cacheHit: false,
    latencyMs: performance.now() - p.startedAt,
    promptId: p.prompt.def.id,
    promptVersion: p.prompt.def.version,
    complexity: p.decision.complexity,
    sensitive: p.decision.sensitive,
    ...extra,
  };
}

/**
 * Queues the request's ledger rows and settles the reservation. Neither is awaited on the request
 * path: the store applies commands in order per connection, so the next request sees the settled
 * counters. Never throws (failures are logged).
 */
export async function finish(state: GatewayState, p: PreparedRequest, spentMicros: number): Promise<void> {
  state.ledger.add(p.ledger);
  p.reservation
    ?.settle(spentMicros)
    .catch((err: unknown) =>
      state.logger.error({ err, promptId: p.prompt.def.id }, "llm budget settlement failed"),
    );
}

/**
 * Reserves a paid fallback link's worst case right before calling it (the first link was reserved
 * during preparation). Free links need nothing. False when the budget refuses.
 */
export async function reserveLazily(
  state: GatewayState,
  p: PreparedRequest,
  link: ChainLink,
  messages: ProviderRequest["messages"],
): Promise<boolean> {
  const est = estimateLink(state, link, messages, p.prompt.def.maxTokens);
  if (est === 0) return true;
  p.reservation = await state.budget.reserve(p.req.ctx.tenantId, p.req.ctx.userId, est);
  return p.reservation !== null;
}

/** The reason a link's ledger row gives: the router's, plus the links that failed before it. */
export const reasonAfter = (decision: PreparedRequest["decision"], failed: readonly string[]): string =>
  failed.length ? `${decision.reason}; fallback after ${failed.join(", ")}` : decision.reason;

/** What a cached answer cost to produce: its recorded cost, else its tokens at today's price. */
export function savedBy(state: GatewayState, cached: CachedAnswer): number {
  if (typeof cached.costMicros === "number" && cached.costMicros >= 0) return cached.costMicros;
  const provider = (["openai", "ollama", "offline"] as const).find((n) => n === cached.provider) ?? "openai";
  return costMicros(priceOf(state, provider, cached.model), cached.tokensIn, cached.tokensOut);
}

/**
 * Books a cache hit of the first link: a free ledger row carrying what the hit saved, the request
 * settled at zero.
 */
export async function bookCacheHit(
  state: GatewayState,
  p: PreparedRequest,
  primary: ChainLink,
  cached: CachedAnswer,
): Promise<{ reason: string; saved: number }> {
  const reason = `${p.decision.reason}; cache hit${cached.invalid ? " (invalid output, not re-asked)" : ""}`;
  const saved = savedBy(state, cached);
  p.ledger.push({
    ...ledgerBase(p, primary, p.decision, reason),
    tokensIn: 0,
    tokensOut: 0,
    costMicros: 0,
    savedMicros: saved,
    latencyMs: 0,
    cacheHit: true,
    outcome: cached.invalid ? "error" : "ok",
    ...(cached.invalid ? { errorCode: "invalid_output" } : {}),
  });
  await finish(state, p, 0);
  return { reason, saved };
}

/** The cached answer a plain read may use: a failed-validation entry is only for structured(). */
export const usableCached = (p: PreparedRequest): CachedAnswer | null =>
  p.cached && !p.cached.invalid ? p.cached : null;

/**
 * Everything a link of the chain needs before its provider is called, decided the same way for
 * complete and stream: the context fitted for this link (the first link's was fitted during
 * preparation), its paid worst case reserved, the provider request. `skip` says why the link is
 * passed over (the context does not fit, the budget refuses), for the fallback list.
 */
export async function requestFor(
  state: GatewayState,
  p: PreparedRequest,
  link: ChainLink,
  index: number,
): Promise<
  { fit: PreparedRequest["primaryFit"]; preq: ProviderRequest } | { skip: string; error?: unknown }
> {
  const def = p.prompt.def;
  let fit = p.primaryFit;
  if (index > 0) {
    try {
      fit = fitFor(state, link, p.messages, def.maxTokens);
    } catch (e) {
      return { skip: subCode(e), error: e };
    }
  }
  if (!p.reservation && !(await reserveLazily(state, p, link, fit.messages))) return { skip: "budget" };
  return {
    fit,
    preq: {
      model: link.model,
      messages: fit.messages,
      temperature: def.temperature,
      maxTokens: def.maxTokens,
      json: p.json,
      promptId: def.id,
      variables: p.req.variables,
    },
  };
}

/** The ledger row of a call that produced nothing billable. */
export function failedRow(
  p: PreparedRequest,
  link: ChainLink,
  reason: string,
  latencyMs: number,
  errorCode: string,
): LedgerEntry {
  return {
    ...ledgerBase(p, link, p.decision, reason),
    tokensIn: 0,
    tokensOut: 0,
    costMicros: 0,
    latencyMs,
    cacheHit: false,
    outcome: "error",
    errorCode,
  };
}

/**
 * Books a call that ran (complete or stream): its ledger row, token and cost metrics. Returns the
 * cost in micro-dollars.
 */
export function bookCall(
  state: GatewayState,
  p: PreparedRequest,
  link: ChainLink,
  reason: string,
  call: { tokensIn: number; tokensOut: number; latencyMs: number; errorCode?: string },
): number {
  const { tokensIn, tokensOut } = call;
  const cost = costMicros(priceOf(state, link.provider, link.model), tokensIn, tokensOut);
  p.ledger.push({
    ...ledgerBase(p, link, p.decision, reason),
    tokensIn,
    tokensOut,
    costMicros: cost,
    latencyMs: call.latencyMs,
    cacheHit: false,
    outcome: call.errorCode ? "error" : "ok",
    ...(call.errorCode ? { errorCode: call.errorCode } : {}),
  });
  state.metrics.tokens.inc({ provider: link.provider, model: link.model, direction: "in" }, tokensIn);
  state.metrics.tokens.inc({ provider: link.provider, model: link.model, direction: "out" }, tokensOut);
  state.metrics.cost.inc({ provider: link.provider, model: link.model, feature: p.req.ctx.feature }, cost);
  return cost;
}

/** Caches the first link's model answer (never a fallback's, an offline one, or a noCache request). */
export async function cacheAnswer(
  state: GatewayState,
  p: PreparedRequest,
  link: ChainLink,
  index: number,
  isModel: boolean,
  answer: { text: string; tokensIn: number; tokensOut: number; costMicros: number },
): Promise<void> {
  if (index !== 0 || !isModel || p.req.noCache) return;
  await state.cache.set(p.cacheKey, { ...answer, provider: link.provider, model: link.model });
}

/**
 * Cache, then each link of the chain in order: model providers through their resilience wrapper
 * (sharing the request's attempt budget), offline last. Every call gets a ledger row.
 */
export async function execute(
  state: GatewayState,
  p: PreparedRequest,
  opts: ExecuteOptions,
): Promise<Answer> {
  const { decision, prompt } = p;
  const def = prompt.def;
  const primary = decision.chain[0] as ChainLink;
  const cached = opts.cacheRead ? usableCached(p) : null;
  if (cached) {
    const { reason, saved } = await bookCacheHit(state, p, primary, cached);
    state.metrics.requests.inc({ route: primary.route, provider: primary.provider, outcome: "cache_hit" });
    return {
      text: cached.text,
      link: primary,
      meta: meta(p, primary, reason, {
        cacheHit: true,
        savedMicros: saved,
        attempts: 0,
        providerMs: 0,
        warnings: p.primaryFit.warnings,
      }),
    };
  }
  const fallbacks: string[] = [];
  // Provider calls of this request, retries and hedges included: one client span each.
  let calls = 0;
  let inflight = 0;
  const traced =
    (link: ChainLink, call: (signal: AbortSignal) => Promise<ProviderResponse>) => (signal: AbortSignal) => {
      const hedge = inflight > 0;
      inflight++;
      const attributes = {
        "gen_ai.system": link.provider,
        "gen_ai.request.model": link.model,
        "keel.llm.route": link.route,
        "keel.llm.call": ++calls,
        "keel.llm.hedge": hedge,
      };
      return span(`llm ${link.provider} ${link.model}`, { kind: "client", attributes }, async (s) => {
        try {
          const res = await call(signal);
          if (res.usageReported)
            s.setAttributes({
              "gen_ai.usage.input_tokens": res.tokensIn,
              "gen_ai.usage.output_tokens": res.tokensOut,
            });
          return res;
        } finally {
          inflight--;
        }
      });
    };
  let providerMs = 0;
  let spent = 0;
  let lastError: unknown;
  for (const [i, link] of decision.chain.entries()) {
    const slot = state.providers.get(link.provider);
    if (!slot) continue;
    const next = decision.chain[i + 1];
    const fallTo = (why: string) => {
      fallbacks.push(`${link.provider}:${why}`);
      if (next) state.metrics.fallbacks.inc({ from: link.provider, to: next.provider, reason: why });
    };
    if (slot.resilient && opts.attempts.remaining === 0) {
      fallTo(opts.attempts.msLeft() <= 0 ? "deadline" : "attempts_exhausted");
      continue;
    }
    const prepared = await requestFor(state, p, link, i);
    if ("skip" in prepared) {
      fallTo(prepared.skip);
      if (prepared.error !== undefined) lastError = prepared.error;
      continue;
    }
    const { fit, preq } = prepared;
    const reason = reasonAfter(decision, fallbacks);
    const t0 = performance.now();
    try {
      const complete = traced(link, (signal) => slot.provider.complete(preq, signal));
      const once = async (signal: AbortSignal) => {
        const a0 = performance.now();
        try {
          return await complete(signal);
        } catch (e) {
          state.metrics.attempts.inc({ provider: link.provider, outcome: subCode(e) });
          // Failed calls are billed nothing by the vendors we price; the row keeps the attempt visible.
          p.ledger.push(failedRow(p, link, reason, performance.now() - a0, subCode(e)));
          throw e;
        }
      };
      // The last model link of the chain may spend every attempt left on retries (nothing after it
      // but offline); earlier links keep the configured retries so the next provider gets its turn.
      const lastModel = !decision.chain
        .slice(i + 1)
        .some((l) => l.provider !== "offline" && state.providers.has(l.provider));
      const res = slot.resilient
        ? await slot.resilient.run(
            once,
            opts.attempts,
            lastModel ? { retries: Math.max(0, opts.attempts.remaining - 1) } : {},
          )
        : await complete(AbortSignal.timeout(5_000));
      const elapsed = performance.now() - t0;
      if (slot.provider.isModel) providerMs += elapsed;
      const usage = boundedUsage(res, {
        tokensIn: fit.tokensIn,
        maxIn: Math.max(fit.tokensIn * 2, limitOf(state, link.provider, link.model)),
        maxOut: def.maxTokens,
      });
      if (usage.insane)
        state.logger.warn(
          { provider: link.provider, model: link.model, promptId: def.id, promptVersion: def.version },
          `llm usage out of bounds (${usage.insane}); priced at the request's maximum`,
        );
      const tokensIn = usage.tokensIn;
      const tokensOut = res.usageReported ? usage.tokensOut : countTextTokens(res.text, link.model);
      const cost = bookCall(state, p, link, reason, { tokensIn, tokensOut, latencyMs: elapsed });
      spent += cost;
      if (slot.provider.isModel) state.metrics.attempts.inc({ provider: link.provider, outcome: "ok" });
      // Billed, but never shown: an answer that repeats the system prompt's canary was hijacked.
      if (slot.provider.isModel && echoesCanary(res.text, p.req.ctx.tenantId))
        throw new LlmError("invalid_output", `${link.provider} echoed its system prompt (canary)`);
      await Promise.all([
        opts.cacheWrite
          ? cacheAnswer(state, p, link, i, slot.provider.isModel, {
              text: res.text,
              tokensIn,
              tokensOut,
              costMicros: cost,
            })
          : undefined,
        finish(state, p, spent),
      ]);
      state.metrics.requests.inc({ route: link.route, provider: link.provider, outcome: "ok" });
      return {
        text: res.text,
        link,
        meta: meta(p, link, reason, {
          tokensIn,
          tokensOut,
          costMicros: cost,
          attempts: opts.attempts.used,
          providerMs,
          warnings: fit.warnings,
          ...(fallbacks.length ? { fallbacks } : {}),
        }),
      };
    } catch (e) {
      if (slot.provider.isModel) providerMs += performance.now() - t0;
      lastError = e;
      fallTo(subCode(e));
      state.logger.warn(
        { provider: link.provider, model: link.model, subCode: subCode(e), promptId: def.id },
        "llm provider failed, falling back",
      );
      if (!slot.provider.isModel && !isLlmError(e))
        p.ledger.push(failedRow(p, link, reason, 0, "offline_failed"));
    }
  }
  await finish(state, p, spent);
  state.metrics.requests.inc({ route: decision.route, provider: "none", outcome: "failed" });
  if (isLlmError(lastError) && lastError.subCode === "offline_unsupported") throw lastError;
  throw new LlmError("all_providers_failed", `every provider failed (${fallbacks.join(", ")})`, {
    cause: lastError,
  });
}
