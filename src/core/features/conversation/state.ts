import { and, eq } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { conversationContext } from "../../infra/db/schema/index.js";
import type { IntentArgs } from "../../intents/intent.js";

/** Something a reply just showed, that "it", "them", "that deal" or "the second one" can point at. */
export interface Entity {
  type: "deal" | "customer" | "owner" | "draft" | "invoice";
  id: string;
  name: string;
  /** A customer shown for what they owe: "remind them" means their invoice, not a deal. */
  via?: "invoice";
}

/** A numbered choice offered to the person: answering its number runs its intent. */
export interface PendingChoice {
  label: string;
  intent: IntentArgs;
}

export interface ConversationState {
  /** The last typed business query (the ask feature's `BusinessQuery`, kept opaque here). */
  lastQuery: Record<string, unknown> | null;
  entities: Entity[];
  pending: PendingChoice[];
  /** The language the person last wrote in (en, es, de, ar): how "2" or "remind them" is answered. */
  lang?: string;
}

export interface ConversationKey {
  tenantId: string;
  channel: string;
  conversationId: string;
  threadId?: string | undefined;
  userId: string;
}

/** How long a conversation's context lives after its last turn, and its numbered choices. */
export const CONTEXT_TTL_MS = 2 * 3_600_000;
export const PENDING_TTL_MS = 30 * 60_000;

export const EMPTY_STATE: ConversationState = { lastQuery: null, entities: [], pending: [] };

const where = (k: ConversationKey) =>
  and(
    eq(conversationContext.tenantId, k.tenantId),
    eq(conversationContext.channel, k.channel),
    eq(conversationContext.conversationId, k.conversationId),
    eq(conversationContext.threadId, k.threadId ?? ""),
    eq(conversationContext.userId, k.userId),
  );

/** One person's context in one conversation (empty when none or expired). Runs in the tenant's transaction. */
export async function loadContext(tx: Tx, k: ConversationKey, now: Date): Promise<ConversationState> {
  const [row] = await tx.select().from(conversationContext).where(where(k)).limit(1);
  if (!row || row.expiresAt <= now) return { ...EMPTY_STATE };
  const pendingLive = row.pendingExpiresAt && row.pendingExpiresAt > now;
  const pending = pendingLive ? ((row.pending?.choices as PendingChoice[] | undefined) ?? []) : [];
  const lang = typeof row.pending?.lang === "string" ? row.pending.lang : undefined;
  return {
    lastQuery: row.lastQuery ?? null,
    entities: (row.entities as unknown as Entity[]) ?? [],
    pending,
    ...(lang ? { lang } : {}),
  };
}

/**
 * Writes the whole state after a turn; numbered choices get their own, shorter expiry. The `pending`
 * column holds what the next message is read against: the choices and the language they were
 * offered in (kept after the choices expire, so "2" a day later is still answered in that language).
 */
export async function saveContext(
  tx: Tx,
  k: ConversationKey,
  now: Date,
  s: ConversationState,
): Promise<void> {
  const expiresAt = new Date(now.getTime() + CONTEXT_TTL_MS);
  const pendingExpiresAt = s.pending.length ? new Date(now.getTime() + PENDING_TTL_MS) : null;
  const values = {
    lastQuery: s.lastQuery,
    entities: s.entities as unknown as Record<string, unknown>[],
    pending: s.pending.length || s.lang ? { choices: s.pending, ...(s.lang ? { lang: s.lang } : {}) } : null,
    pendingExpiresAt,
    expiresAt,
    updatedAt: now,
  };
  await tx
    .insert(conversationContext)
    .values({
      tenantId: k.tenantId,
      channel: k.channel,
      conversationId: k.conversationId,
      threadId: k.threadId ?? "",
      userId: k.userId,
      ...values,
    })
    .onConflictDoUpdate({
      target: [
        conversationContext.tenantId,
        conversationContext.channel,
        conversationContext.conversationId,
        conversationContext.threadId,
        conversationContext.userId,
      ],
      set: values,
    });
}
