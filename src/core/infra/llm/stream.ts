import type { AttemptBudget } from "./attempts.js";
import { isLlmError } from "./errors.js";
import { finish, reserveLazily } from "./execute.js";
import { fitFor, ledgerBase, type PreparedRequest } from "./prepare.js";
import { costMicros } from "./pricing.js";
import { type GatewayState, priceOf } from "./state.js";
import { countTextTokens } from "./tokens.js";
import type { ProviderStreamChunk } from "./types.js";

/**
 * Streaming: the chain and resilience apply until the first chunk arrives (a stream cannot be
 * replayed on another provider once text reached the user); after that an idle timer guards the
 * rest. A cut-off stream ends with a visible note and an `error` ledger row.
 */
export async function* streamAnswer(
  state: GatewayState,
  p: PreparedRequest,
  attempts: AttemptBudget,
): AsyncGenerator<string> {
  const { decision, prompt } = p;
  const def = prompt.def;
  const primary = decision.chain[0];
  const cached = p.cached;
  if (primary) {
    if (cached) {
      p.ledger.push({
        ...ledgerBase(p, primary, decision, `${decision.reason}; cache hit`),
        tokensIn: 0,
        tokensOut: 0,
        costMicros: 0,
        latencyMs: 0,
        cacheHit: true,
        outcome: "ok",
      });
      await finish(state, p, 0);
      yield cached.text;
      return;
    }
  }
  const failed: string[] = [];
  for (const [i, link] of decision.chain.entries()) {
    const slot = state.providers.get(link.provider);
    if (!slot || (slot.resilient && attempts.remaining === 0)) continue;
    let fit = p.primaryFit;
    try {
      if (i > 0) fit = fitFor(state, link, p.messages, def.maxTokens);
    } catch {
      continue;
    }
    if (!p.reservation && !(await reserveLazily(state, p, link, fit.messages))) {
      failed.push(`${link.provider}:budget`);
      continue;
    }
    const preq = {
      model: link.model,
      messages: fit.messages,
      temperature: def.temperature,
      maxTokens: def.maxTokens,
      json: p.json,
      promptId: def.id,
      variables: p.req.variables,
    };
    const reason = failed.length
      ? `${decision.reason}; fallback after ${failed.join(", ")}`
      : decision.reason;
    const ctrl = new AbortController();
    const t0 = performance.now();
    let opened: { it: AsyncIterator<ProviderStreamChunk>; first: IteratorResult<ProviderStreamChunk> };
    try {
      const open = async (signal: AbortSignal) => {
        const relay = () => ctrl.abort();
        signal.addEventListener("abort", relay, { once: true });
        try {
          const it = slot.provider.stream(preq, ctrl.signal)[Symbol.asyncIterator]();
          return { it, first: await it.next() };
        } finally {
          signal.removeEventListener("abort", relay);
        }
      };
      opened = slot.resilient ? await slot.resilient.run(open, attempts) : await open(ctrl.signal);
    } catch (e) {
      const code = isLlmError(e) ? e.subCode : "bad_response";
      failed.push(`${link.provider}:${code}`);
      p.ledger.push({
        ...ledgerBase(p, link, decision, reason),
        tokensIn: 0,
        tokensOut: 0,
        costMicros: 0,
        latencyMs: performance.now() - t0,
        cacheHit: false,
        outcome: "error",
        errorCode: code,
      });
      continue;
    }
    let text = "";
    let usage: ProviderStreamChunk["usage"];
    let outcome = "ok";
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => ctrl.abort(),
        link.provider === "ollama" ? state.cfg.OLLAMA_TIMEOUT_MS : state.cfg.OPENAI_TIMEOUT_MS,
      );
    };
    try {
      let r = opened.first;
      while (!r.done) {
        if (r.value.usage) usage = r.value.usage;
        if (r.value.delta) {
          text += r.value.delta;
          yield r.value.delta;
        }
        arm();
        r = await opened.it.next();
      }
    } catch (e) {
      outcome = "error";
      state.logger.warn(
        { provider: link.provider, subCode: isLlmError(e) ? e.subCode : "stream_broken" },
        "llm stream cut off",
      );
      yield "\n\n_(The answer was cut off: the model stopped responding.)_";
    } finally {
      clearTimeout(idle);
    }
    const tokensIn = usage?.tokensIn ?? fit.tokensIn;
    const tokensOut = usage?.tokensOut ?? countTextTokens(text, link.model);
    const cost = costMicros(priceOf(state, link.provider, link.model), tokensIn, tokensOut);
    p.ledger.push({
      ...ledgerBase(p, link, decision, reason),
      tokensIn,
      tokensOut,
      costMicros: cost,
      latencyMs: performance.now() - t0,
      cacheHit: false,
      outcome,
      ...(outcome === "ok" ? {} : { errorCode: "stream_broken" }),
    });
    state.metrics.tokens.inc({ provider: link.provider, model: link.model, direction: "in" }, tokensIn);
    state.metrics.tokens.inc({ provider: link.provider, model: link.model, direction: "out" }, tokensOut);
    state.metrics.cost.inc({ provider: link.provider, model: link.model, feature: p.req.ctx.feature }, cost);
    if (outcome === "ok" && i === 0 && slot.provider.isModel && !p.req.noCache)
      void state.cache.set(p.cacheKey, {
        text,
        provider: link.provider,
        model: link.model,
        tokensIn,
        tokensOut,
      });
    await finish(state, p, cost);
    return;
  }
  await finish(state, p, 0);
  yield "No language model is reachable right now, and this request has no offline answer.";
}
