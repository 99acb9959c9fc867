import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Deps } from "../../deps.js";
import type { inboundTurns } from "../../infra/db/schema/index.js";
import type { InboundTurnRow } from "../../ports/chat-adapter.js";

/** How long a turn stays with its worker without a renewal (a kill -9 is noticed within this). */
export const TURN_LEASE_MS = 15_000;
/** Renewal period of the leases of a live worker. */
export const TURN_RENEW_MS = 5_000;
/** After this many takeovers a turn is given up (marked failed, message erased). */
export const TURN_MAX_ATTEMPTS = 5;
/** Slack: posts allowed per response_url, and how long it lives. */
export const RESPONSE_URL_MAX_POSTS = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

/** This process's identity as a turn owner. */
export const TURN_OWNER = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export interface NewTurn {
  channel: string;
  key: string;
  kind: string;
  account?: string;
  payload: Record<string, unknown>;
}

export type Received =
  /** First delivery: work on it. */
  | { outcome: "new"; turn: InboundTurnRow }
  /** A redelivery of a turn whose worker died: work on it again (it is late). */
  | { outcome: "taken-over"; turn: InboundTurnRow }
  /** Answered (or given up) already. */
  | { outcome: "answered"; turn: InboundTurnRow }
  /** Another live worker has it. */
  | { outcome: "in-progress"; turn: InboundTurnRow };

export const toRow = (r: typeof inboundTurns.$inferSelect): InboundTurnRow => ({
  id: r.id,
  channel: r.channel,
  key: r.key,
  kind: r.kind,
  account: r.account ?? undefined,
  payload: r.payload ?? {},
  status: r.status,
  attempts: r.attempts,
  placeholder: r.placeholder ?? undefined,
  responsePosts: r.responsePosts,
  receivedAt: r.receivedAt,
});

export const leaseEnd = (deps: Deps) => new Date(deps.clock.now().getTime() + TURN_LEASE_MS);
