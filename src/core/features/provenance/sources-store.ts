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
  /** The language that reply was written in (en, es, de, ar), for the "sources?" answer. */
  lang?: string;
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
  const lang = (reply.meta as { lang?: unknown } | undefined)?.lang;
  const value: RememberedSources = {
    about: reply.text.split("\n")[0]!.slice(0, 160),
    ...(typeof lang === "string" ? { lang } : {}),
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

type Words = { none: string; noFigures: (about: string) => string; head: (about: string) => string };
/** In the language of the answer the sources belong to (the definitions themselves stay as written). */
const WORDS: Record<string, Words> = {
  en: {
    none: "I have not given you any figures in this conversation yet.",
    noFigures: (a) => `My last answer ("${a}") had no figures that need a source.`,
    head: (a) => `Sources for my last answer ("${a}"):`,
  },
  es: {
    none: "Todavía no te he dado ninguna cifra en esta conversación.",
    noFigures: (a) => `Mi última respuesta («${a}») no tenía cifras que necesiten una fuente.`,
    head: (a) => `Fuentes de mi última respuesta («${a}»):`,
  },
  de: {
    none: "Ich habe dir in diesem Gespräch noch keine Zahlen genannt.",
    noFigures: (a) => `Meine letzte Antwort („${a}“) hatte keine Zahlen, die eine Quelle brauchen.`,
    head: (a) => `Quellen meiner letzten Antwort („${a}“):`,
  },
  ar: {
    none: "لم أعطك أي أرقام في هذه المحادثة بعد.",
    noFigures: (a) => `إجابتي الأخيرة («${a}») لم تتضمن أرقاماً تحتاج إلى مصدر.`,
    head: (a) => `مصادر إجابتي الأخيرة («${a}»):`,
  },
};

/** The reply to "sources?": where every figure of the previous answer in this conversation came from. */
export async function sourcesReply(store: Store, tenantId: string, conversationId: string): Promise<Reply> {
  const last = await lastSources(store, tenantId, conversationId);
  if (!last) return { text: WORDS.en!.none };
  const w = WORDS[last.lang ?? "en"] ?? WORDS.en!;
  if (last.sources.length === 0)
    return {
      text: w.noFigures(last.about),
      meta: { about: last.kind },
    };
  return {
    text: w.head(last.about),
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
