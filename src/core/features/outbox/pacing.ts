import type { Store } from "../../ports/store.js";

/**
 * Minimum gap between two sends to the same address of a channel, shared by every replica through
 * the store. Slack allows about one message per second per channel; WhatsApp Cloud API numbers
 * have per-recipient limits too; the console and email are not limited here.
 */
export const CHANNEL_PACE_MS: Record<string, number> = { slack: 1000, whatsapp: 250, email: 100, console: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for this address's turn: takes a slot key (SET NX with a TTL of the pace) or waits for the
 * slot to expire. Gives up waiting after `maxWaitMs` and sends anyway (the channel's own 429
 * handling is the backstop).
 */
export async function paceChannel(
  store: Store,
  channel: string,
  address: string,
  maxWaitMs = 10_000,
): Promise<void> {
  const gap = CHANNEL_PACE_MS[channel] ?? 200;
  if (gap <= 0) return;
  const key = `outbox:pace:${channel}:${address}`;
  const deadline = Date.now() + maxWaitMs;
  while (Date.now() < deadline) {
    if (await store.set(key, "1", { nx: true, ttlMs: gap })) return;
    const ttl = await store.ttl(key);
    await sleep(Math.max(10, Math.min(ttl > 0 ? ttl : gap, deadline - Date.now())));
  }
}
