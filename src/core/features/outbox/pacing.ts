import type { ChannelKind } from "../../ports/chat-adapter.js";
import type { Store } from "../../ports/store.js";

/**
 * Minimum gap between two outbox sends to the same address, for the channels whose adapters do not
 * pace their own sends. One layer paces each channel: the Slack adapter paces per channel and the
 * WhatsApp adapter per contact (`ChannelPacer`, `ContactPacer`, keys `pace:*`), so they are not
 * listed here; pacing them again here would only add a second wait. The console is not limited.
 */
export const OUTBOX_PACE_MS: Partial<Record<ChannelKind, number>> = { email: 100 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for this address's turn on a channel the outbox paces (see OUTBOX_PACE_MS; others return at
 * once): reserves the next slot atomically in the store (`Store.pace`), so replicas take turns in
 * order instead of polling. Waits at most `maxWaitMs` and then sends anyway. A store that cannot be
 * reached does not stop delivery: the send goes ahead unpaced. Resolves to the time waited (ms).
 */
export async function paceChannel(
  store: Store,
  channel: string,
  address: string,
  maxWaitMs = 10_000,
): Promise<number> {
  const gap = OUTBOX_PACE_MS[channel as ChannelKind] ?? 0;
  if (gap <= 0) return 0;
  const wait = Math.min(await store.pace(`outbox:pace:${channel}:${address}`, gap).catch(() => 0), maxWaitMs);
  if (wait > 0) await sleep(wait);
  return wait;
}
