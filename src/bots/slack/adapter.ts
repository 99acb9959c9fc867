import type { Deps } from "../../core/deps.js";
import type { Logger } from "../../core/infra/logger.js";
import type {
  ChannelCapabilities,
  ChatAdapter,
  DeliveryTarget,
  InboundTurnRow,
  PartLedger,
  SendResult,
} from "../../core/ports/chat-adapter.js";
import type { Reply } from "../../core/ports/reply.js";
import { saveActionRef } from "./action-refs.js";
import type { ChannelPacer } from "./pacer.js";
import { type RenderedReply, renderReply, type SlackMessage } from "./render/blocks.js";
import { SLACK_LIMITS } from "./render/limits.js";
import type { Workspace, Workspaces } from "./workspaces.js";

/** What Slack can do, as data: buttons, threads, mrkdwn, images; one message carries ≤12,000 chars. */
export const slackCapabilities: ChannelCapabilities = {
  nativeButtons: true,
  maxButtons: SLACK_LIMITS.actionsPerBlock,
  threads: true,
  maxTextLength: SLACK_LIMITS.messageTextBudget,
  markdown: "slack-mrkdwn",
  images: true,
};

const SENT_TTL_MS = 7 * 24 * 3_600_000;
const METADATA_EVENT = "keel_outbox";

export interface PostOptions {
  channel: string;
  threadTs?: string;
  /** Outbox id: travels as message metadata so a retry can find a post whose result was lost. */
  outboxId?: string;
  /** Metadata for part `i` (inbound turns mark their answer's parts the same way). */
  metadata?: (part: number) => MessageMetadata;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number>;
}

/**
 * The Slack channel adapter: renders Replies as Block Kit (buttons carry server-side references),
 * posts with per-channel pacing, and delivers outbox messages at most once per outbox id.
 */
export class SlackAdapter implements ChatAdapter {
  readonly channel = "slack" as const;
  readonly capabilities = slackCapabilities;
  /** Set by the runtime: answers a turn taken over from the inbox. */
  onResume?: (turn: InboundTurnRow) => void;
  /** Set by the runtime: how many taken-over turns its queue has room for. */
  resumeRoom?: () => number;
  private readonly log: Logger;

  constructor(
    private readonly deps: Deps,
    private readonly workspaces: Workspaces,
    private readonly pacer: ChannelPacer,
  ) {
    this.log = deps.logger.child({ component: "slack-adapter" });
  }

  /** The recovery sweep's entry: starts answering a turn whose worker died (in the background). */
  async resumeTurn(turn: InboundTurnRow): Promise<void> {
    if (!this.onResume) throw new Error("slack runtime not wired");
    this.onResume(turn);
  }

  /** Stores each action's intent under a fresh reference and renders the reply. */
  async prepare(reply: Reply, teamKey: string, blockIdPrefix?: string): Promise<RenderedReply> {
    const actionValues = await Promise.all(
      (reply.actions ?? []).map((a) =>
        saveActionRef(this.deps.store, { teamId: teamKey, intent: a.intent, label: a.label }),
      ),
    );
    const rendered = renderReply(reply, { actionValues, blockIdPrefix });
    if (rendered.warnings.length) this.log.debug({ warnings: rendered.warnings }, "slack render warnings");
    return rendered;
  }

  /**
   * Outbox delivery, at most once per part: each part carries the outbox id and its index as message
   * metadata; parts already accepted are known from the outbox row (Postgres, `target.parts`) and,
   * on a retry (attempt > 1), from the channel itself — so a crash between "Slack accepted" and
   * "recorded" posts nothing twice, with or without Redis.
   */
  async send(target: DeliveryTarget, reply: Reply): Promise<SendResult> {
    const ws = await this.workspaces.forChannel(target.address);
    const key = target.idempotencyKey;
    const opts = { channel: target.address, threadTs: target.threadId, outboxId: key };
    if (!key) return { messageIds: await this.post(ws, opts, reply) };
    // The store (Redis) remembers a finished send; Postgres (the outbox row's parts and attempt
    // count) and the channel itself (metadata) cover a crash, with or without Redis.
    const stateKey = `slack:outbox-sent:${key}`;
    const prev = await this.deps.store.get(stateKey);
    if (prev?.startsWith("done:"))
      return { messageIds: JSON.parse(prev.slice(5)) as string[], warnings: ["already delivered"] };
    const found =
      (target.attempt ?? 1) > 1 || prev === "started"
        ? await this.findPostedParts(ws, target.address, key, target.threadId)
        : new Map<number, string>();
    if (found.size)
      this.log.info({ outboxId: key, found: found.size }, "slack outbox parts found already posted");
    await this.deps.store.set(stateKey, "started", { ttlMs: SENT_TTL_MS });
    const ids = await this.post(ws, opts, reply, {
      done: (i) => target.parts?.done(i) ?? found.get(i),
      record: async (i, id) => {
        await target.parts?.record(i, id);
      },
      fence: async () => {
        await target.parts?.fence?.();
      },
    });
    await this.deps.store.set(stateKey, `done:${JSON.stringify(ids)}`, { ttlMs: SENT_TTL_MS });
    return { messageIds: ids };
  }

  /** Posts a reply (several messages when long), paced per channel; returns the message ts values. */
  async post(ws: Workspace, opts: PostOptions, reply: Reply, ledger?: PartLedger): Promise<string[]> {
    const { messages } = await this.prepare(reply, ws.teamKey);
    const ids: string[] = [];
    for (const [i, m] of messages.entries()) {
      const prior = ledger?.done(i);
      if (prior) {
        ids.push(prior);
        continue;
      }
      // The fence goes after the pacing wait, right before the post: a claim that ran out while this
      // waited for its slot is not acted on (another sender has the row now).
      const res = await this.pacer.run(opts.channel, async () => {
        await ledger?.fence?.();
        return ws.client.chat.postMessage({
          channel: opts.channel,
          thread_ts: opts.threadTs,
          text: m.text,
          blocks: m.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(opts.metadata
            ? { metadata: opts.metadata(i) }
            : opts.outboxId
              ? {
                  metadata: {
                    event_type: METADATA_EVENT,
                    event_payload: { outbox_id: opts.outboxId, part: i },
                  },
                }
              : {}),
        });
      });
      if (res.ts) {
        const id = `${opts.channel}:${res.ts}`;
        ids.push(id);
        await ledger?.record(i, id);
      }
    }
    if (reply.image?.pngBase64 && !ledger?.done(messages.length)) {
      await ledger?.fence?.();
      await this.uploadImage(ws, opts, reply.image);
      await ledger?.record(messages.length, "image");
    }
    return ids;
  }

  /** Replaces a message with the first rendered message; the rest follow in the thread. */
  async update(
    ws: Workspace,
    channel: string,
    ts: string,
    reply: Reply,
    threadTs?: string,
    opts: { ledger?: PartLedger; metadata?: (part: number) => MessageMetadata } = {},
  ): Promise<string[]> {
    const { messages } = await this.prepare(reply, ws.teamKey);
    const [first, ...rest] = messages as [SlackMessage, ...SlackMessage[]];
    if (!opts.ledger?.done(0))
      await this.pacer.run(channel, () =>
        ws.client.chat.update({
          channel,
          ts,
          text: first.text,
          blocks: first.blocks,
          ...(opts.metadata ? { metadata: opts.metadata(0) } : {}),
        }),
      );
    const ids = [`${channel}:${ts}`];
    for (const [j, m] of rest.entries()) {
      const prior = opts.ledger?.done(j + 1);
      if (prior) {
        ids.push(prior);
        continue;
      }
      const res = await this.pacer.run(channel, () =>
        ws.client.chat.postMessage({
          channel,
          thread_ts: threadTs ?? ts,
          text: m.text,
          blocks: m.blocks,
          unfurl_links: false,
          ...(opts.metadata ? { metadata: opts.metadata(j + 1) } : {}),
        }),
      );
      if (res.ts) ids.push(`${channel}:${res.ts}`);
    }
    if (reply.image?.pngBase64 && !opts.ledger?.done(messages.length))
      await this.uploadImage(ws, { channel, threadTs: threadTs ?? ts }, reply.image);
    return ids;
  }

  /** Shares a reply's chart in a channel (files.uploadV2); a failure is logged, never thrown. */
  async uploadImage(ws: Workspace, opts: PostOptions, image: NonNullable<Reply["image"]>): Promise<void> {
    try {
      await ws.client.filesUploadV2({
        channel_id: opts.channel,
        ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
        file: Buffer.from(image.pngBase64!, "base64"),
        filename: "chart.png",
        title: image.title ?? image.alt,
        alt_text: image.alt.slice(0, 1000),
      } as Parameters<typeof ws.client.filesUploadV2>[0]);
    } catch (err) {
      // The text already went out; a missing chart is a warning, not a failed delivery.
      this.log.warn({ err, code: (err as { code?: string }).code }, "slack chart upload failed");
    }
  }

  /** Parts of an outbox message this app already posted (by metadata), by part index. */
  private async findPostedParts(
    ws: Workspace,
    channel: string,
    outboxId: string,
    threadTs?: string,
  ): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    try {
      const res = threadTs
        ? await ws.client.conversations.replies({
            channel,
            ts: threadTs,
            limit: 100,
            include_all_metadata: true,
          })
        : await ws.client.conversations.history({ channel, limit: 100, include_all_metadata: true });
      for (const m of res.messages ?? []) {
        const p = (
          m as { metadata?: { event_type?: string; event_payload?: { outbox_id?: string; part?: number } } }
        ).metadata?.event_payload;
        if (p?.outbox_id === outboxId && m.ts) out.set(Number(p.part ?? 0), `${channel}:${m.ts}`);
      }
    } catch (err) {
      this.log.warn(
        { err, code: (err as { code?: string }).code },
        "slack history lookup failed; posting again",
      );
    }
    return out;
  }
}
