import type { ChatMessage, LlmRequest } from "../../ports/llm.js";
import type { Reservation } from "./budget.js";
import { type CachedAnswer, cacheKey } from "./cache.js";
import { type FitResult, fitContext } from "./context-window.js";
import type { LedgerEntry } from "./ledger.js";
import { costMicros } from "./pricing.js";
import type { RenderedPrompt } from "./prompts/registry.js";
import { type ChainLink, decideRoute, type RouteDecision } from "./router.js";
import { type GatewayState, limitOf, priceOf } from "./state.js";
import { countMessageTokens } from "./tokens.js";
import { guardSystem } from "./untrusted.js";

/** A request after rendering, routing, budget reservation and context fitting of the first link. */
export interface PreparedRequest {
  req: LlmRequest;
  prompt: RenderedPrompt;
  messages: ChatMessage[];
  json: boolean;
  decision: RouteDecision;
  reservation: Reservation | null;
  primaryFit: FitResult;
  cacheKey: string;
  /** The cache's answer for the first link, looked up during preparation (null on a miss or no cache). */
  cached: CachedAnswer | null;
  startedAt: number;
  /** Ledger rows accumulated for this request. */
  ledger: LedgerEntry[];
}

/** [system] + history + rendered user prompt + `extra` turns (a repair exchange). */
export function buildMessages(
  prompt: RenderedPrompt,
  history: ChatMessage[] = [],
  extra: ChatMessage[] = [],
  tenantId = "",
): ChatMessage[] {
  // Every request gets the instruction hierarchy and the tenant's canary (see untrusted.ts).
  const system = guardSystem(prompt.system, tenantId);
  return [
    { role: "system" as const, content: system },
    ...history.filter((m) => m.content.trim() !== ""),
    { role: "user" as const, content: prompt.user },
    ...extra,
  ];
}

/** Fits `messages` for one link of the chain. */
export function fitFor(
  state: GatewayState,
  link: ChainLink,
  messages: ChatMessage[],
  maxTokens: number,
): FitResult {
  return fitContext(messages, {
    model: link.model,
    limit: limitOf(state, link.provider, link.model),
    maxOutputTokens: maxTokens,
    strategy: state.cfg.LLM_CONTEXT_STRATEGY,
  });
}

/** Worst-case cost of one link (input tokens + the prompt's max output), 0 for free links. */
export function estimateLink(
  state: GatewayState,
  link: ChainLink,
  messages: ChatMessage[],
  maxTokens: number,
): number {
  const price = priceOf(state, link.provider, link.model);
  if (price.in === 0 && price.out === 0) return 0;
  return costMicros(price, countMessageTokens(messages, link.model), maxTokens);
}

export function ledgerBase(
  p: Pick<PreparedRequest, "req" | "prompt">,
  link: ChainLink,
  decision: RouteDecision,
  reason: string,
) {
  return {
    tenantId: p.req.ctx.tenantId,
    ...(p.req.ctx.userId ? { userId: p.req.ctx.userId } : {}),
    feature: p.req.ctx.feature,
    provider: link.provider,
    model: link.model,
    promptId: p.prompt.def.id,
    promptVersion: p.prompt.def.version,
    route: link.route ?? decision.route,
    routeReason: reason,
  };
}

/**
 * Render → route (rate limit, sensitivity, budget share, complexity) → fit the context for the first
 * link → reserve that link's worst-case cost and look the answer up in the cache, in parallel (a
 * refused reservation re-routes local only). Later paid links reserve lazily before their call, so
 * local-first requests never touch the budget counters. Throws `context_overflow` when even the
 * current message does not fit the first link's window.
 */
export async function prepare(
  state: GatewayState,
  req: LlmRequest,
  json: boolean,
  extra: ChatMessage[] = [],
): Promise<PreparedRequest> {
  const startedAt = performance.now();
  const prompt = state.registry.render(req.promptId, req.variables, req.promptVersion);
  const messages = buildMessages(prompt, req.history, extra, req.ctx.tenantId);
  const { tenantId, userId } = req.ctx;
  const [rateLimited, usage] = await Promise.all([
    state.budget.rateLimited(tenantId),
    state.budget.usage(tenantId, userId),
  ]);
  // Sensitivity reads everything the model would see that came from data or people: the user turn,
  // every variable (figures, deal records and notes go into the system section) and the history.
  const everything = [
    prompt.user,
    ...Object.values(req.variables).map((v) => (typeof v === "string" ? v : JSON.stringify(v ?? ""))),
    ...(req.history ?? []).map((m) => m.content),
  ].join("\n");
  const route = (budgetShare: number) =>
    decideRoute(
      {
        text: req.routingText ?? prompt.user,
        sensitiveText: everything,
        tier: prompt.def.tier,
        budgetShare,
        rateLimited,
      },
      state.router,
    );
  const useCache = !req.noCache && state.cache.enabled;
  const plan = (decision: RouteDecision) => {
    const primary = decision.chain[0] as ChainLink;
    const primaryFit = fitFor(state, primary, messages, prompt.def.maxTokens);
    const key = cacheKey({
      tenantId,
      promptId: prompt.def.id,
      promptVersion: prompt.def.version,
      model: primary.model,
      messages: primaryFit.messages,
      temperature: prompt.def.temperature,
      maxTokens: prompt.def.maxTokens,
      json,
      scope: req.cacheScope ?? "",
      ...(req.routingText !== undefined ? { question: req.routingText } : {}),
    });
    const lookup = useCache && primary.provider !== "offline" ? state.cache.get(key) : Promise.resolve(null);
    return { primary, primaryFit, key, lookup };
  };
  let decision = route(usage.share);
  let planned = plan(decision);
  const est = estimateLink(state, planned.primary, planned.primaryFit.messages, prompt.def.maxTokens);
  let reservation: Reservation | null = null;
  let cached: CachedAnswer | null;
  if (est > 0) {
    [reservation, cached] = await Promise.all([
      state.budget.reserve(tenantId, userId, est, true),
      planned.lookup,
    ]);
    if (!reservation) {
      decision = route(Number.POSITIVE_INFINITY);
      decision.reason = `budget reservation of ${est} µ$ refused; ${decision.reason}`;
      planned = plan(decision);
      cached = await planned.lookup;
    }
  } else cached = await planned.lookup;
  if (useCache && planned.primary.provider !== "offline")
    state.metrics.cache.inc({ result: cached ? "hit" : "miss" });
  if (rateLimited) state.metrics.budgetDenied.inc({ reason: "rate_limit" });
  else if (!decision.cloudAllowed && !decision.sensitive.length)
    state.metrics.budgetDenied.inc({ reason: "budget" });
  return {
    req,
    prompt,
    messages,
    json,
    decision,
    reservation,
    primaryFit: planned.primaryFit,
    cacheKey: planned.key,
    cached,
    startedAt,
    ledger: [],
  };
}
