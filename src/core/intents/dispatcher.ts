import type { Deps } from "../deps.js";
import { actorById } from "../features/tenancy/index.js";
import { span } from "../infra/telemetry/trace.js";
import { AppError, asAppError } from "../kernel/errors.js";
import type { Reply } from "../ports/reply.js";
import type { DispatchOptions } from "./feature.js";
import { type Intent, type IntentKind, intentSchema } from "./intent.js";
import type { Registry } from "./registry.js";

export type { DispatchOptions, Handler, ProgressSink } from "./feature.js";

export interface Dispatcher {
  dispatch(intent: Intent, opts?: DispatchOptions): Promise<Reply>;
  handles(kind: IntentKind): boolean;
}

const DEDUPE_TTL_MS = 10 * 60_000;
const KIND_RE = /^[a-z][a-z_.-]{0,40}$/;

/**
 * Routes an intent to its handler: validates it, loads the actor (role from the database, never from
 * the wire), de-duplicates by idempotency key (a retried delivery gets the first reply back), and maps
 * errors to a chat message once.
 */
export function createDispatcher(deps: Deps, registry: Registry): Dispatcher {
  return {
    handles: (kind) => registry.has(kind),
    dispatch(raw: Intent, opts?: DispatchOptions): Promise<Reply> {
      // The intent's kind and origin ids, never its text (an invalid kind is not echoed either).
      const kind = typeof raw?.kind === "string" && KIND_RE.test(raw.kind) ? raw.kind : "invalid";
      return span(
        `intent ${kind}`,
        {
          attributes: {
            "keel.intent.kind": kind,
            "keel.channel": raw?.origin?.channel,
            "keel.tenant.id": raw?.origin?.tenantId,
          },
        },
        async (s) => {
          const reply = await dispatchOne(raw, opts);
          s.setAttributes({ "keel.intent.outcome": reply.outcome?.kind ?? "reply" });
          return reply;
        },
      );
    },
  };

  async function dispatchOne(raw: Intent, opts?: DispatchOptions): Promise<Reply> {
    const parsed = intentSchema.safeParse(raw);
    if (!parsed.success) {
      deps.logger.warn(
        { kind: raw?.kind, issues: parsed.error.issues.map((i) => i.path.join(".")) },
        "invalid intent",
      );
      return { text: "I could not understand that request." };
    }
    const intent = parsed.data;
    const log = deps.logger.child({
      kind: intent.kind,
      tenantId: intent.origin.tenantId,
      channel: intent.origin.channel,
    });
    const started = performance.now();
    const dedupeKey = `intent:${intent.origin.tenantId}:${intent.idempotencyKey}`;
    if (!(await deps.store.set(dedupeKey, "", { nx: true, ttlMs: DEDUPE_TTL_MS }))) {
      const cached = await deps.store.get(dedupeKey);
      log.info({ duplicate: true }, "duplicate intent");
      return cached
        ? (JSON.parse(cached) as Reply)
        : { text: "Already working on that…", outcome: { kind: "duplicate" } };
    }
    let reply: Reply;
    let outcome = "ok";
    try {
      const actor = await actorById(deps.db, intent.origin.tenantId, intent.origin.userId);
      if (!actor)
        throw new AppError("forbidden", "I don't know you in this workspace yet. Ask an owner to add you.");
      reply = await registry.run(deps, intent, actor, opts);
    } catch (e) {
      const err = asAppError(e);
      outcome = err.code;
      if (err.code === "internal") log.error({ err: e }, "intent failed");
      else log.warn({ code: err.code, err: e }, "intent refused");
      reply = {
        text: err.userMessage,
        ephemeral: err.code === "forbidden",
        outcome: { kind: "error", code: err.code },
      };
    }
    deps.metrics.intents.inc({ kind: intent.kind, channel: intent.origin.channel, outcome });
    log.info({ ms: Math.round(performance.now() - started), outcome }, "intent handled");
    await deps.store.set(dedupeKey, JSON.stringify(reply), { ttlMs: DEDUPE_TTL_MS });
    return reply;
  }
}
