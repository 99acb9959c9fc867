import type { Store } from "../../ports/store.js";

/**
 * Minimum gap between two sends to the same address of a channel, shared by every replica through
 * the store. Slack allows about one message per second per channel; WhatsApp Cloud API numbers
 * have per-recipient limits too; the console and email are not limited here.
 */
export const CHANNEL_PACE_MS: Record<string, number> = { slack: 1000, whatsapp: 250, email: 100, console: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for this address's turn: reserves the next slot atomically in the store (`Store.pace`), so
 * replicas take turns in order instead of polling. Waits at most `maxWaitMs` and then sends anyway
 * (the channel's own 429 handling is the backstop). A store that cannot be reached does not stop
 * delivery: the send goes ahead unpaced here (the adapters' own pacers still space it).
 */
export async function paceChannel(
  store: Store,
  channel: string,
  address: string,
  maxWaitMs = 10_000,
): Promise<void> {
  const gap = CHANNEL_PACE_MS[channel] ?? 200;
  if (gap <= 0) return;
  const wait = await store.pace(`outbox:pace:${channel}:${address}`, gap).catch(() => 0);
  if (wait > 0) await sleep(Math.min(wait, maxWaitMs));
}
