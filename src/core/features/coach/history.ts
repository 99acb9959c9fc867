import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { conversations, messages } from "../../infra/db/schema/index.js";
import type { ChatMessage } from "../../ports/llm.js";
import type { ConversationKey } from "../conversation/index.js";

/**
 * Conversation memory per (tenant, channel, conversation, thread, user) — one person's history is
 * never read for another. The model sees the last WINDOW messages verbatim plus a running summary;
 * older messages are folded into the summary in batches of FOLD_BATCH (so a fold is one cheap
 * local-tier call every few turns). Until a batch is full, the few messages between the window and
 * the summary are still passed verbatim, so nothing is ever dropped silently.
 */
export const WINDOW = 10;
export const FOLD_BATCH = 4;
/** Stored message text is capped; answers never need more and rows stay small. */
const MAX_STORED = 8_000;

export interface LoadedHistory {
  conversationId: string;
  summary: string;
  /** Unsummarised messages, oldest first. */
  recent: { role: "user" | "assistant"; content: string; createdAt: Date }[];
  /** `summarizedThrough` from the conversation state. */
  summarizedThrough: Date | null;
}

export async function loadHistory(tx: Tx, key: ConversationKey, now: Date): Promise<LoadedHistory> {
  const where = and(
    eq(conversations.tenantId, key.tenantId),
    eq(conversations.channel, key.channel),
    eq(conversations.externalId, key.conversationId),
    eq(conversations.threadId, key.threadId ?? ""),
    eq(conversations.userId, key.userId),
  );
  await tx
    .insert(conversations)
    .values({
      tenantId: key.tenantId,
      channel: key.channel,
      externalId: key.conversationId,
      threadId: key.threadId ?? "",
      userId: key.userId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  const [conv] = await tx.select().from(conversations).where(where);
  if (!conv) throw new Error("conversation row missing after upsert");
  const through =
    typeof conv.state.summarizedThrough === "string" ? new Date(conv.state.summarizedThrough) : null;
  const rows = await tx
    .select({ role: messages.role, content: messages.content, createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.conversationId, conv.id), through ? gt(messages.createdAt, through) : undefined))
    .orderBy(asc(messages.createdAt));
  return {
    conversationId: conv.id,
    summary: conv.summary ?? "",
    recent: rows.filter((r): r is LoadedHistory["recent"][number] => r.role !== "system"),
    summarizedThrough: through,
  };
}

/** What goes to the model: every unsummarised message (≤ WINDOW + FOLD_BATCH − 1). */
export function historyForModel(h: LoadedHistory): ChatMessage[] {
  return h.recent.map((m) => ({ role: m.role, content: m.content }));
}

/** Appends the user's message and the answer with strictly increasing timestamps. */
export async function appendTurn(
  tx: Tx,
  h: LoadedHistory,
  tenantId: string,
  now: Date,
  user: string,
  assistant: string,
  meta: Record<string, unknown>,
): Promise<void> {
  const last = h.recent.at(-1)?.createdAt.getTime() ?? h.summarizedThrough?.getTime() ?? 0;
  const t = Math.max(now.getTime(), last + 1);
  await tx.insert(messages).values([
    {
      tenantId,
      conversationId: h.conversationId,
      role: "user",
      content: user.slice(0, MAX_STORED),
      createdAt: new Date(t),
    },
    {
      tenantId,
      conversationId: h.conversationId,
      role: "assistant",
      content: assistant.slice(0, MAX_STORED),
      meta,
      createdAt: new Date(t + 1),
    },
  ]);
  await tx
    .update(conversations)
    .set({ updatedAt: new Date(t + 1) })
    .where(eq(conversations.id, h.conversationId));
}

/** The messages to fold into the summary now (oldest beyond the window), or [] when the batch is not full. */
export function dueForFolding(recentAfterTurn: LoadedHistory["recent"]): LoadedHistory["recent"] {
  const beyond = recentAfterTurn.slice(0, Math.max(0, recentAfterTurn.length - WINDOW));
  return beyond.length >= FOLD_BATCH ? beyond : [];
}

export async function saveSummary(
  tx: Tx,
  conversationId: string,
  summary: string,
  through: Date,
): Promise<void> {
  // Merge into the state jsonb so keys other features keep there survive.
  const patch = JSON.stringify({ summarizedThrough: through.toISOString() });
  await tx
    .update(conversations)
    .set({ summary, state: sql`${conversations.state} || ${patch}::jsonb` })
    .where(eq(conversations.id, conversationId));
}
