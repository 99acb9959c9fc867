import type { ZodType } from "zod";
import type {
  LlmCallMeta,
  LlmChatOptions,
  LlmClient,
  LlmRequest,
  LlmStructuredResult,
  LlmTextResult,
} from "../../ports/llm.js";
import { span } from "../telemetry/trace.js";
import { AttemptBudget } from "./attempts.js";
import { isLlmError, LlmError } from "./errors.js";
import { bookCacheHit, execute } from "./execute.js";
import { type PreparedRequest, prepare } from "./prepare.js";
import { costMicros, priceFor } from "./pricing.js";
import type { PromptRegistry } from "./prompts/registry.js";
import type { GatewayState, HealthStatus } from "./state.js";
import { streamAnswer } from "./stream.js";
import { parseStructured, repairInstruction } from "./structured.js";
import type { ProviderName } from "./types.js";
import { echoesCanary } from "./untrusted.js";

const PROBE_TTL_MS = 15_000;
const PROBE_TIMEOUT_MS = 2_000;

/** The LlmClient plus what operators, the CLI and the benchmark need to see. */
export interface LlmGateway extends LlmClient {
  readonly prompts: PromptRegistry;
  cacheStats(): { hits: number; misses: number; hitRate: number };
  breakerStates(): Partial<Record<ProviderName, "closed" | "open" | "half_open">>;
  /** Probes every configured provider now (start-up check); returns the failed ones. */
  probe(): Promise<{ provider: ProviderName; subCode: string }[]>;
  /** Writes queued ledger rows; call before reading the ledger and on shutdown. */
  flush(): Promise<void>;
}

function sumMeta(a: LlmCallMeta, b: LlmCallMeta, attempts: number, note: string): LlmCallMeta {
  return {
    ...b,
    tokensIn: a.tokensIn + b.tokensIn,
    tokensOut: a.tokensOut + b.tokensOut,
    costMicros: a.costMicros + b.costMicros,
    latencyMs: a.latencyMs + b.latencyMs,
    providerMs: (a.providerMs ?? 0) + (b.providerMs ?? 0),
    attempts,
    warnings: [...(a.warnings ?? []), ...(b.warnings ?? []), note],
  };
}

export function createGateway(state: GatewayState): LlmGateway {
  const attemptsFor = () => new AttemptBudget(state.cfg.LLM_MAX_ATTEMPTS, state.cfg.LLM_DEADLINE_MS);

  async function probeOne(name: ProviderName): Promise<string | null> {
    const slot = state.providers.get(name);
    if (!slot?.provider.isModel) return null;
    try {
      await slot.provider.probe(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      slot.probe = "ok";
      return null;
    } catch (e) {
      slot.probe = "failed";
      return isLlmError(e) ? e.subCode : "connection";
    } finally {
      slot.probedAt = state.clock.now().getTime();
    }
  }

  /** A request of the tenant's queue: waits its turn, or fails at once as overloaded (see tenant-queues). */
  const bounded = <T extends { meta: LlmCallMeta }>(req: LlmRequest, fn: () => Promise<T>): Promise<T> =>
    state.tenantQueues ? state.tenantQueues.run(req.ctx.tenantId, fn, (v) => !v.meta.cacheHit) : fn();

  async function structuredNow<T>(schema: ZodType<T>, req: LlmRequest): Promise<LlmStructuredResult<T>> {
    const attempts = attemptsFor();
    const p = await prepare(state, req, true);
    const primary = p.decision.chain[0];
    if (p.cached?.invalid && primary) {
      // This exact request already failed validation twice: not re-asked; the caller falls back.
      await bookCacheHit(state, p, primary, p.cached);
      throw new LlmError(
        "invalid_output",
        `${p.prompt.def.id}@${p.prompt.def.version}: cached invalid output`,
      );
    }
    const first = await execute(state, p, { attempts, cacheRead: true, cacheWrite: false });
    const parsed = parseStructured(schema, first.text);
    const cacheable = (link: { provider: ProviderName }) =>
      link.provider !== "offline" && link.provider === p.decision.chain[0]?.provider;
    if (parsed.ok) {
      if (!first.meta.cacheHit && cacheable(first.link))
        await state.cache.set(p.cacheKey, {
          text: first.text,
          provider: first.link.provider,
          model: first.link.model,
          tokensIn: first.meta.tokensIn,
          tokensOut: first.meta.tokensOut,
          costMicros: first.meta.costMicros,
        });
      return { value: parsed.value, meta: first.meta };
    }
    const log = state.logger.child({ promptId: p.prompt.def.id, provider: first.link.provider });
    if (first.link.provider === "offline") {
      log.error({ subCode: "invalid_output" }, "offline template output failed validation");
      throw new LlmError(
        "invalid_output",
        `offline output for ${p.prompt.def.id} failed validation: ${parsed.error}`,
      );
    }
    log.warn({ subCode: "invalid_output" }, "structured output invalid, sending one repair request");
    const repairP = await prepare({ ...state }, { ...req, noCache: true }, true, [
      { role: "assistant", content: first.text },
      { role: "user", content: repairInstruction(parsed.error) },
    ]);
    const second = await execute(state, repairP, { attempts, cacheRead: false, cacheWrite: false });
    const repaired = parseStructured(schema, second.text);
    if (!repaired.ok) {
      log.error({ subCode: "invalid_output" }, "structured output still invalid after repair");
      if (!first.meta.cacheHit && cacheable(first.link) && cacheable(second.link))
        await state.cache.set(p.cacheKey, {
          text: "",
          provider: first.link.provider,
          model: first.link.model,
          tokensIn: first.meta.tokensIn + second.meta.tokensIn,
          tokensOut: first.meta.tokensOut + second.meta.tokensOut,
          costMicros: first.meta.costMicros + second.meta.costMicros,
          invalid: repaired.error.slice(0, 200),
        });
      throw new LlmError("invalid_output", `${p.prompt.def.id}@${p.prompt.def.version}: ${repaired.error}`);
    }
    if (cacheable(second.link))
      await state.cache.set(p.cacheKey, {
        text: second.text,
        provider: second.link.provider,
        model: second.link.model,
        tokensIn: second.meta.tokensIn,
        tokensOut: second.meta.tokensOut,
        costMicros: first.meta.costMicros + second.meta.costMicros,
      });
    return {
      value: repaired.value,
      meta: sumMeta(first.meta, second.meta, attempts.used, "repaired after invalid structured output"),
    };
  }

  /**
   * A chat answer streamed from the provider: `onText` sees the text grow; the result is the whole
   * answer with its meta, as from a plain call. A stream that broke off, or that echoed the system
   * prompt's canary, is not an answer: the offline provider answers instead (as a failed plain call
   * would fall back to it), so the caller's final text never comes from a refused stream.
   */
  async function streamedChat(p: PreparedRequest, onText: (t: string) => void): Promise<LlmTextResult> {
    const attempts = attemptsFor();
    const it = streamAnswer(state, p, attempts);
    let text = "";
    let r = await it.next();
    while (!r.done) {
      text += r.value;
      try {
        onText(text);
      } catch (err) {
        state.logger.warn({ err }, "llm stream listener failed");
      }
      r = await it.next();
    }
    const out = r.value;
    if (out?.complete && !(out.link.provider !== "offline" && echoesCanary(out.text, p.req.ctx.tenantId)))
      return { text: out.text, meta: out.meta };
    const offline = p.decision.chain.find((l) => l.provider === "offline");
    if (!offline)
      throw new LlmError(
        "all_providers_failed",
        "the streamed answer was refused and no offline answer exists",
      );
    state.logger.warn(
      { promptId: p.prompt.def.id, provider: out?.link.provider ?? "none" },
      "streamed answer cut off or refused; answering offline",
    );
    const again = {
      ...p,
      decision: { ...p.decision, chain: [offline] },
      ledger: [],
      reservation: null,
      cached: null,
    };
    const a = await execute(state, again, { attempts, cacheRead: false, cacheWrite: false });
    return { text: a.text, meta: a.meta };
  }

  /** One span per gateway request: prompt, tier, route taken, tokens, attempts (never the prompt's text). */
  const traced = async <R extends { meta: LlmCallMeta }>(
    req: LlmRequest,
    fn: () => Promise<R>,
  ): Promise<R> => {
    const def = state.registry.get(req.promptId, req.promptVersion);
    const attributes = {
      "keel.llm.prompt_id": def.id,
      "keel.llm.prompt_version": def.version,
      "keel.llm.tier": def.tier,
      "keel.tenant.id": req.ctx.tenantId,
    };
    return span("llm.request", { attributes }, async (s) => {
      const r = await fn();
      s.setAttributes({
        "gen_ai.system": r.meta.provider,
        "gen_ai.request.model": r.meta.model,
        "keel.llm.route": r.meta.route,
        "gen_ai.usage.input_tokens": r.meta.tokensIn,
        "gen_ai.usage.output_tokens": r.meta.tokensOut,
        "keel.llm.attempts": r.meta.attempts,
        "keel.llm.cache_hit": r.meta.cacheHit,
        "keel.llm.fallbacks": r.meta.fallbacks?.length ?? 0,
      });
      return r;
    });
  };

  const gateway: LlmGateway = {
    prompts: state.registry,

    chat(req: LlmRequest, opts?: LlmChatOptions): Promise<LlmTextResult> {
      return traced(req, () =>
        bounded(req, async () => {
          const def = state.registry.get(req.promptId, req.promptVersion);
          const p = await prepare(state, req, def.output === "json");
          if (opts?.onText && def.output !== "json") return streamedChat(p, opts.onText);
          const a = await execute(state, p, { attempts: attemptsFor(), cacheRead: true, cacheWrite: true });
          return { text: a.text, meta: a.meta };
        }),
      );
    },

    structured<T>(schema: ZodType<T>, req: LlmRequest): Promise<LlmStructuredResult<T>> {
      return traced(req, () => bounded(req, () => structuredNow(schema, req)));
    },

    async *stream(req: LlmRequest): AsyncIterable<string> {
      const def = state.registry.get(req.promptId, req.promptVersion);
      const p = await prepare(state, req, def.output === "json");
      yield* streamAnswer(state, p, attemptsFor());
    },

    async embed(ctx, texts) {
      const model = state.cfg.LLM_EMBEDDINGS_MODEL;
      if (!model) return null;
      const name: ProviderName =
        state.cfg.LLM_EMBEDDINGS_PROVIDER ?? (state.providers.has("openai") ? "openai" : "ollama");
      const provider = state.providers.get(name)?.provider;
      if (!provider?.embed) throw new LlmError("connection", `embeddings provider ${name} is not configured`);
      if (texts.length === 0) return { model, vectors: [] };
      const t0 = performance.now();
      const timeout = name === "openai" ? state.cfg.OPENAI_TIMEOUT_MS : state.cfg.OLLAMA_TIMEOUT_MS;
      let outcome = "ok";
      let errorCode: string | undefined;
      let tokens = 0;
      try {
        const res = await provider.embed(model, texts, AbortSignal.timeout(timeout));
        tokens = res.tokens;
        return { model, vectors: res.vectors };
      } catch (e) {
        outcome = "error";
        errorCode = isLlmError(e) ? e.subCode : "connection";
        throw e;
      } finally {
        // Embedding calls are in the cost ledger like any other provider call.
        state.ledger.add([
          {
            tenantId: ctx.tenantId,
            userId: ctx.userId,
            feature: ctx.feature,
            provider: name,
            model,
            promptId: "embeddings",
            promptVersion: 1,
            tokensIn: tokens,
            tokensOut: 0,
            costMicros: costMicros(priceFor(state.prices, model, name === "ollama"), tokens, 0),
            latencyMs: performance.now() - t0,
            cacheHit: false,
            route: name === "ollama" ? "local" : "small",
            routeReason: `embeddings for ${texts.length} text(s)`,
            outcome,
            ...(errorCode ? { errorCode } : {}),
          },
        ]);
      }
    },

    hasModel() {
      for (const slot of state.providers.values())
        if (slot.provider.isModel && slot.probe !== "failed" && slot.resilient?.state !== "open") return true;
      return false;
    },

    async health() {
      const out: Record<string, HealthStatus> = {
        openai: "unconfigured",
        ollama: "unconfigured",
        offline: "ok",
      };
      const now = state.clock.now().getTime();
      await Promise.all(
        [...state.providers.entries()].map(async ([name, slot]) => {
          if (!slot.provider.isModel) return;
          if (now - slot.probedAt > PROBE_TTL_MS || slot.probe === "unknown") await probeOne(name);
          const r = slot.resilient;
          out[name] =
            slot.probe === "failed" || r?.state !== "closed" || r?.coolingDown() ? "degraded" : "ok";
        }),
      );
      return out;
    },

    cacheStats: () => state.cache.stats(),

    flush: () => state.ledger.flush(),

    breakerStates() {
      const out: Partial<Record<ProviderName, "closed" | "open" | "half_open">> = {};
      for (const [name, slot] of state.providers) if (slot.resilient) out[name] = slot.resilient.state;
      return out;
    },

    async probe() {
      const failed: { provider: ProviderName; subCode: string }[] = [];
      for (const name of state.providers.keys()) {
        const code = await probeOne(name);
        if (code) failed.push({ provider: name, subCode: code });
      }
      return failed;
    },
  };
  return gateway;
}
