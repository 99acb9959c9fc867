import type { LlmCallMeta } from "../../ports/llm.js";
import type { AttemptBudget } from "./attempts.js";
import { isLlmError } from "./errors.js";
import {
  bookCacheHit,
  bookCall,
  cacheAnswer,
  failedRow,
  finish,
  meta,
  reasonAfter,
  requestFor,
  usableCached,
} from "./execute.js";
import type { PreparedRequest } from "./prepare.js";
import type { ChainLink } from "./router.js";
import type { GatewayState } from "./state.js";
import { countTextTokens } from "./tokens.js";
import type { ProviderStreamChunk } from "./types.js";
import { echoesCanary } from "./untrusted.js";

/**
 * Streaming: the chain and resilience apply until the first chunk arrives (a stream cannot be
 * replayed on another provider once text reached the user); after that an idle timer guards the
 * rest. A cut-off stream ends with a visible note and an `error` ledger row.
 */
export async function* streamAnswer(
  state: GatewayState,
  p: PreparedRequest,
  attempts: AttemptBudget,
): AsyncGenerator<string, StreamOutcome> {
  const { decision } = p;
  const primary = decision.chain[0];
  const cached = usableCached(p);
  if (primary && cached) {
    const { reason, saved } = await bookCacheHit(state, p, primary, cached);
    yield cached.text;
    return {
      text: cached.text,
      link: primary,
      complete: true,
      meta: streamMeta(p, primary, reason, { cacheHit: true, savedMicros: saved, attempts: 0 }),
    };
  }
  const failed: string[] = [];
  for (const [i, link] of decision.chain.entries()) {
    const slot = state.providers.get(link.provider);
    if (!slot || (slot.resilient && attempts.remaining === 0)) continue;
    const prepared = await requestFor(state, p, link, i);
    if ("skip" in prepared) {
      failed.push(`${link.provider}:${prepared.skip}`);
      continue;
    }
    const { fit, preq } = prepared;
    const reason = reasonAfter(decision, failed);
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
      // No hedge for streams: both calls would share the one stream controller.
      opened = slot.resilient
        ? await slot.resilient.run(open, attempts, { hedge: false })
        : await open(ctrl.signal);
    } catch (e) {
      const code = isLlmError(e) ? e.subCode : "bad_response";
      failed.push(`${link.provider}:${code}`);
      p.ledger.push(failedRow(p, link, reason, performance.now() - t0, code));
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
    const cost = bookCall(state, p, link, reason, {
      tokensIn,
      tokensOut,
      latencyMs: performance.now() - t0,
      ...(outcome === "ok" ? {} : { errorCode: "stream_broken" }),
    });
    const answered = {
      text,
      link,
      complete: outcome === "ok",
      meta: streamMeta(p, link, reason, {
        tokensIn,
        tokensOut,
        costMicros: cost,
        attempts: attempts.used,
        providerMs: performance.now() - t0,
        ...(failed.length ? { fallbacks: failed } : {}),
      }),
    };
    // Never cached when the model echoed its system prompt: that answer is refused by the caller.
    if (outcome === "ok" && !(slot.provider.isModel && echoesCanary(text, p.req.ctx.tenantId)))
      void cacheAnswer(state, p, link, i, slot.provider.isModel, {
        text,
        tokensIn,
        tokensOut,
        costMicros: cost,
      });
    await finish(state, p, cost);
    return answered;
  }
  await finish(state, p, 0);
  yield "No language model is reachable right now, and this request has no offline answer.";
  return null;
}

/** How a stream ended: the full text and its meta, or null when no provider could start one. */
export type StreamOutcome = { text: string; link: ChainLink; complete: boolean; meta: LlmCallMeta } | null;

function streamMeta(
  p: PreparedRequest,
  link: ChainLink,
  reason: string,
  extra: Partial<LlmCallMeta>,
): LlmCallMeta {
  return meta(p, link, reason, { warnings: p.primaryFit.warnings, ...extra });
}
