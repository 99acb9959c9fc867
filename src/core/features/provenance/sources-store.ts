import type { Deps } from "../../deps.js";
import type { Intent } from "../../intents/intent.js";
import type { Reply, Source } from "../../ports/reply.js";
import type { Store } from "../../ports/store.js";

const TTL_MS = 7 * 24 * 3_600_000;
/** Replies that are about Keel itself, not figures: asking "sources?" after them keeps the previous answer's. */
const SKIP: ReadonlySet<string> = new Set(["sources.show", "help", "unknown", "usage.error"]);

export interface RememberedSources {
  /** First line of the reply the sources belong to. */
  about: string;
  kind: string;
  at: string;
  sources: Source[];
}

const key = (tenantId: string, conversationId: string) => `sources:${tenantId}:${conversationId}`;

/** Keeps the sources of the last reply in a conversation (tenant + conversation), for "sources?". */
export async function rememberSources(
  store: Store,
  where: { tenantId: string; conversationId: string },
  kind: string,
  reply: Reply,
  now: Date,
): Promise<void> {
  const value: RememberedSources = {
    about: reply.text.split("\n")[0]!.slice(0, 160),
    kind,
    at: now.toISOString(),
    sources: reply.sources ?? [],
  };
  await store.set(key(where.tenantId, where.conversationId), JSON.stringify(value), { ttlMs: TTL_MS });
}

export async function lastSources(
  store: Store,
  tenantId: string,
  conversationId: string,
): Promise<RememberedSources | null> {
  const raw = await store.get(key(tenantId, conversationId));
  return raw ? (JSON.parse(raw) as RememberedSources) : null;
}

/** The reply to "sources?": where every figure of the previous answer in this conversation came from. */
export async function sourcesReply(store: Store, tenantId: string, conversationId: string): Promise<Reply> {
  const last = await lastSources(store, tenantId, conversationId);
  if (!last) return { text: "I have not given you any figures in this conversation yet." };
  if (last.sources.length === 0)
    return {
      text: `My last answer ("${last.about}") had no figures that need a source.`,
      meta: { about: last.kind },
    };
  return {
    text: `Sources for my last answer ("${last.about}"):`,
    fields: last.sources.map((s) => ({ label: s.label, value: s.detail })),
    sources: last.sources,
    meta: { about: last.kind, at: last.at },
  };
}

/**
 * The registry's after-reply hook: each reply's sources are remembered for its conversation. A failure
 * to remember never fails the reply.
 */
export async function rememberReplySources(deps: Deps, intent: Intent, reply: Reply): Promise<void> {
  if (SKIP.has(intent.kind)) return;
  try {
    await rememberSources(deps.store, intent.origin, intent.kind, reply, deps.clock.now());
  } catch (err) {
    deps.logger.warn({ err, kind: intent.kind }, "could not remember reply sources");
  }
}
