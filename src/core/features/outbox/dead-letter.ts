import type { Tx } from "../../infra/db/client.js";
import type { Reply } from "../../ports/reply.js";
import type { AlertTarget } from "./targets.js";

export const DEAD_LETTER_KIND = "outbox.dead-letter";

/** The owner's alert about a message Keel gave up on: what, where, why, and what to do. */
export function deadLetterReply(
  row: {
    id: string;
    target: { channel: string; address: string };
    attempts: number;
    draftId: string | null;
    payload: Record<string, unknown>;
  },
  error: string,
): Reply {
  const what = row.draftId
    ? `An approved draft (${String((row.payload.meta as { subject?: unknown } | undefined)?.subject ?? "message")})`
    : "A message";
  return {
    text:
      `⚠️ ${what} to ${row.target.channel} ${row.target.address} could not be delivered after ${row.attempts} attempts.\n` +
      `Last error: ${error.slice(0, 300)}\n` +
      "Check the channel connection; the message stays in the outbox as dead (id below) and can be re-queued by an operator.",
    fields: [{ label: "Outbox id", value: row.id }],
    meta: { kind: DEAD_LETTER_KIND, outboxId: row.id },
  };
}

export function isDeadLetterAlert(payload: Record<string, unknown>): boolean {
  return (payload.meta as { kind?: unknown } | undefined)?.kind === DEAD_LETTER_KIND;
}

export type EnqueueFn = (
  tx: Tx,
  row: { tenantId: string; dedupeKey: string; target: AlertTarget; payload: Reply },
  now: Date,
) => Promise<boolean>;
