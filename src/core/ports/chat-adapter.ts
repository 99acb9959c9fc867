import type { Tx } from "../infra/db/client.js";
import type { Reply } from "./reply.js";

export type ChannelKind = "console" | "slack" | "whatsapp" | "email";

/** What a channel can do, as data; renderers and the core adapt to it rather than asking "is this Slack?". */
export interface ChannelCapabilities {
  /** Native clickable buttons (Slack, Cloud API reply buttons). Otherwise actions become numbered options. */
  nativeButtons: boolean;
  /** Max buttons in one message where native (Cloud API: 3). */
  maxButtons: number;
  threads: boolean;
  /** Longest text in one message; longer replies are chunked. */
  maxTextLength: number;
  markdown: "markdown" | "slack-mrkdwn" | "whatsapp" | "plain";
  images: boolean;
}

/** Where an outgoing message goes. `address` is channel-specific (Slack channel id, phone number, email). */
export interface DeliveryTarget {
  channel: ChannelKind;
  address: string;
  threadId?: string;
  /** For idempotent delivery: the outbox id travels with the message where the channel allows. */
  idempotencyKey?: string;
  /** The tenant the message belongs to (set by the outbox), for adapters serving several tenants. */
  tenantId?: string;
  /** Which delivery attempt this is (1 = first); > 1: an earlier one may have reached the channel. */
  attempt?: number;
  /**
   * Parts of a long reply already accepted by the channel, kept in Postgres with the outbox row: an
   * adapter skips `done(i)` parts and calls `record(i, id)` after each part it sends.
   */
  parts?: PartLedger;
}

export interface PartLedger {
  done(index: number): string | undefined;
  record(index: number, messageId: string): Promise<void>;
  /**
   * Called by the adapter right before each request that sends a part, after any pacing wait:
   * confirms this sender still holds the outbox row's claim and extends its lease, or throws
   * `ClaimLost` (another sender took the row over meanwhile and delivers it). The outbox sets it.
   */
  fence?(): Promise<void>;
}

/** An inbound turn from the inbox (see features/inbox), as a channel resumes it after a crash. */
export interface InboundTurnRow {
  id: string;
  channel: string;
  key: string;
  kind: string;
  account?: string;
  payload: Record<string, unknown>;
  status: "pending" | "answered" | "failed";
  attempts: number;
  placeholder?: string;
  responsePosts: number;
  receivedAt: Date;
}

/**
 * Thrown by an adapter that cannot send *yet* for a reason that is not a failure (WhatsApp's 24-hour
 * window without a template, a paused channel). The outbox keeps the message and tries again later
 * without spending one of its attempts.
 */
export class DeliveryDeferred extends Error {
  constructor(
    readonly reason: string,
    readonly retryInMs = 15 * 60_000,
  ) {
    super(`delivery deferred: ${reason}`);
    this.name = "DeliveryDeferred";
  }
}

/**
 * Thrown by an outbox fence (`PartLedger.fence`): this sender's claim on the row ran out while it
 * waited (pacing, a stalled process) and another sender has taken the row over. Nothing was sent for
 * this part; the row is the other sender's now, so this one leaves it alone.
 */
export class ClaimLost extends Error {
  constructor(readonly outboxId: string) {
    super(`outbox claim lost: ${outboxId}`);
    this.name = "ClaimLost";
  }
}

export interface SendResult {
  /** Channel message id(s), for updates and status tracking. */
  messageIds: string[];
  warnings?: string[];
}

/**
 * A chat channel. Inbound traffic is turned into intents by the adapter's own pure `toIntent`;
 * outbound replies go through `send`, which renders within the channel's capabilities.
 */
export interface ChatAdapter {
  readonly channel: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  send(target: DeliveryTarget, reply: Reply): Promise<SendResult>;
  /**
   * Optional idempotency check for at-least-once delivery: when a previous attempt may have reached
   * the channel (crash between "sent" and "recorded"), the outbox asks before re-sending. Returns the
   * channel message id of a message already delivered with this idempotency key (the outbox id),
   * or null when there is none. Channels that cannot look messages up leave it out.
   */
  alreadyDelivered?(target: DeliveryTarget, idempotencyKey: string): Promise<string | null>;
  /**
   * Answers an inbound turn again whose worker died before answering (taken over from the inbox by
   * a retry or the recovery sweep). Channels without an inbox leave it out.
   */
  resumeTurn?(turn: InboundTurnRow): Promise<void>;
  /**
   * False while another replica must deliver this channel's messages (a singleton channel such as
   * whatsapp-web.js whose lease is held elsewhere): the outbox then leaves them unclaimed here, so
   * they wait for the holder instead of failing. Channels every replica can send on leave it out.
   */
  deliversHere?(): boolean;
  /**
   * How many taken-over turns the channel can start now without passing its queue's bound; the
   * recovery sweep takes at most this many (absent: no bound), so a busy replica leaves them to
   * another or to a later sweep instead of queueing without end.
   */
  resumeRoom?(): number;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** The adapters that can deliver outbox messages, by channel; filled by the composition root. */
export type ChannelRegistry = Map<ChannelKind | string, ChatAdapter>;

/** Called inside the transaction that marks an outbox row tied to a draft as sent (drafts owns it). */
export type DraftSentHook = (
  tx: Tx,
  tenantId: string,
  draftId: string,
  detail: { outboxId: string; messageIds: string[] },
  at: Date,
) => Promise<void>;
