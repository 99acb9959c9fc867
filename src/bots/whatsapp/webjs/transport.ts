import { NotLeaseHolder } from "../../../core/features/leases/index.js";
import type { Logger } from "../../../core/infra/logger.js";
import { span } from "../../../core/infra/telemetry/trace.js";
import { AppError } from "../../../core/kernel/errors.js";
import { type ChannelCapabilities, DeliveryDeferred } from "../../../core/ports/chat-adapter.js";
import { toChatId, toE164 } from "../phone.js";
import type { InboundContent, InboundMessage } from "../to-intent.js";
import type { WhatsappTransport } from "../transport.js";
import type { SupervisedClient, Supervisor } from "./supervisor.js";

const SEND_ATTRS = { "rpc.system": "whatsapp-web.js", "rpc.method": "sendMessage" };

/** whatsapp-web.js: no native buttons (deprecated on WhatsApp Web), so actions are numbered options. */
export const webjsCapabilities: ChannelCapabilities = {
  nativeButtons: false,
  maxButtons: 9,
  threads: false,
  maxTextLength: 4096,
  markdown: "whatsapp",
  images: true,
};

/** The subset of whatsapp-web.js `Client` Keel uses (a stand-in implements it in tests). */
export interface WebjsClientLike extends SupervisedClient {
  sendMessage(
    chatId: string,
    content: unknown,
    options?: Record<string, unknown>,
    // whatsapp-web.js resolves `undefined` when WhatsApp Web returned no message model (and `null`
    // when the chat could not be found): the id is never read unguarded.
  ): Promise<{ id?: { _serialized?: string } } | null | undefined>;
  /** Present in whatsapp-web.js ≥ 1.31: maps a privacy id (`…@lid`) to the phone number (`…@c.us`). */
  getContactLidAndPhone?(ids: string[]): Promise<{ lid?: string; pn?: string }[]>;
}

/** The fields of whatsapp-web.js `Message` that Keel reads. */
export interface WebjsMessageLike {
  id: { _serialized: string; fromMe?: boolean };
  from: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe?: boolean;
  isStatus?: boolean;
  hasMedia?: boolean;
  /** Present on media messages: whatsapp-web.js `Message.downloadMedia()` (base64 `data`, or undefined when gone). */
  downloadMedia?(): Promise<
    { data: string; mimetype?: string; filename?: string | null; filesize?: number | null } | undefined
  >;
  /** The document's file name (whatsapp-web.js `_data.filename`). */
  _data?: { filename?: string; mimetype?: string; size?: number };
}

/** Message types that are not something a person asked (protocol noise, reactions, revocations). */
const SILENT = new Set([
  "e2e_notification",
  "notification_template",
  "notification",
  "gp2",
  "call_log",
  "protocol",
  "revoked",
  "ciphertext",
  "reaction",
  "unknown",
]);
const NAMES: Record<string, string> = {
  ptt: "voice",
  vcard: "contact",
  multi_vcard: "contact",
  sticker: "sticker",
  location: "location",
};

/** Turns a whatsapp-web.js `message` event into the shared inbound message; null for what the bot ignores. */
export async function webjsToInbound(
  msg: WebjsMessageLike,
  account: string,
  client?: WebjsClientLike,
): Promise<InboundMessage | null> {
  if (msg.fromMe || msg.id?.fromMe || msg.isStatus) return null;
  if (!/@(c\.us|lid|s\.whatsapp\.net)$/.test(msg.from)) return null; // groups, broadcasts, newsletters
  let address = msg.from;
  if (address.endsWith("@lid")) {
    const [m] = (await client?.getContactLidAndPhone?.([address]).catch(() => [])) ?? [];
    if (!m?.pn) return null;
    address = m.pn;
  }
  const from = toE164(address);
  const messageId = msg.id?._serialized;
  if (!from || !messageId || SILENT.has(msg.type)) return null;
  const content: InboundContent =
    msg.type === "chat"
      ? { type: "text", text: msg.body }
      : msg.type === "document" && msg.downloadMedia
        ? {
            type: "document",
            fileName: msg._data?.filename || msg.body || "file",
            mimeType: msg._data?.mimetype,
            size: msg._data?.size,
            load: async () => {
              const media = await msg.downloadMedia!();
              if (!media?.data)
                throw new AppError("not_found", "The file is no longer available on WhatsApp.");
              return Buffer.from(media.data, "base64");
            },
          }
        : { type: "unsupported", what: NAMES[msg.type] ?? msg.type };
  return { account, from, messageId, at: new Date(msg.timestamp * 1000), content };
}

export interface WebjsTransportOptions {
  clientId: string;
  supervisor: Supervisor<WebjsClientLike>;
  /** Builds the library's MessageMedia (injected so tests need no browser). */
  makeMedia(mimetype: string, base64: string, filename: string): unknown;
  logger?: Logger;
  /** The singleton lease (several replicas): every send is fenced by it; null = this process alone. */
  lease?: SendFence;
}

/** What the transport needs of the lease (core LeaseKeeper): is it ours, and the check before a send. */
export interface SendFence {
  readonly held: boolean;
  fence(): Promise<number>;
}

/**
 * whatsapp-web.js transport (outbound half): sends through the supervised client only while it is
 * ready and — with several replicas — only while this replica holds the lease with a current fencing
 * token; a refused send is deferred (no attempt spent) so the holder's dispatcher sends it.
 */
export class WebjsTransport implements WhatsappTransport {
  readonly kind = "webjs" as const;
  readonly capabilities = webjsCapabilities;
  readonly account: string;
  constructor(private readonly o: WebjsTransportOptions) {
    this.account = `webjs:${o.clientId}`;
  }

  private client(): WebjsClientLike {
    const c = this.o.supervisor.ready;
    if (c) return c;
    const s = this.o.supervisor;
    const detail =
      s.state === "stopped"
        ? `WhatsApp Web stopped (${s.haltReason ?? "shut down"}); scan a new QR code to resume`
        : s.lostReason
          ? `WhatsApp Web lost its session (${s.lostReason}); waiting for a new QR scan (${s.state})`
          : `WhatsApp Web is not connected yet (${s.state})`;
    throw new AppError("provider_error", "WhatsApp is not connected.", {
      retryable: s.state !== "stopped",
      detail,
    });
  }

  /** False while another replica holds the browser session: the outbox leaves its rows to it. */
  deliversHere(): boolean {
    return this.o.lease ? this.o.lease.held : true;
  }

  /** The fencing check on every send; a replica that lost the lease defers the message to the holder. */
  private async fenced(): Promise<WebjsClientLike> {
    if (this.o.lease)
      try {
        await this.o.lease.fence();
      } catch (e) {
        if (!(e instanceof NotLeaseHolder)) throw e;
        this.o.logger?.warn(
          { reason: e.reason, staleToken: e.staleToken },
          "whatsapp-web.js send refused: not the lease holder",
        );
        throw new DeliveryDeferred(`not the WhatsApp Web replica (${e.reason})`, 1_000);
      }
    return this.client();
  }

  sendText(to: string, text: string): Promise<string> {
    return span("whatsapp.webjs sendMessage", { kind: "client", attributes: SEND_ATTRS }, async () => {
      const m = await (await this.fenced()).sendMessage(toChatId(to), text);
      return this.sentId(m, "text");
    });
  }

  sendImage(to: string, pngBase64: string, caption?: string): Promise<string> {
    return span("whatsapp.webjs sendMessage", { kind: "client", attributes: SEND_ATTRS }, async () => {
      const media = this.o.makeMedia("image/png", pngBase64, "chart.png");
      const m = await (await this.fenced()).sendMessage(toChatId(to), media, caption ? { caption } : {});
      return this.sentId(m, "image");
    });
  }

  /**
   * The id of a sent message. No message back means the outcome is unknown (WhatsApp Web may or
   * may not have sent it): a retryable failure, so the outbox tries again later and the part is not
   * recorded as sent — never a TypeError on `m.id._serialized` that loses the reply.
   */
  private sentId(m: Awaited<ReturnType<WebjsClientLike["sendMessage"]>>, what: string): string {
    const id = m?.id?._serialized;
    if (typeof id === "string" && id) return id;
    this.o.logger?.warn(
      { what, result: m === null ? "null" : m === undefined ? "undefined" : "no id" },
      "whatsapp-web.js sendMessage returned no message; outcome unknown, will retry",
    );
    throw new AppError("provider_error", "WhatsApp did not confirm the message.", {
      retryable: true,
      detail: `whatsapp-web.js sendMessage resolved ${m === null ? "null" : m === undefined ? "undefined" : "without an id"} (${what})`,
    });
  }
}
