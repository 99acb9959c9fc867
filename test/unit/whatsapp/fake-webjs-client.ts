import { EventEmitter } from "node:events";
import type { WebjsClientLike, WebjsMessageLike } from "../../../src/bots/whatsapp/webjs/transport.js";

/**
 * A stand-in for whatsapp-web.js `Client`: an EventEmitter with the methods Keel calls. Tests emit
 * the library's real events (`qr`, `authenticated`, `ready`, `message`, `disconnected`) with its payload shapes.
 */
export class FakeWebjsClient extends EventEmitter implements WebjsClientLike {
  readonly sent: { chatId: string; content: unknown; options?: Record<string, unknown> }[] = [];
  initialized = 0;
  destroyed = 0;
  failInitialize?: Error;
  lids = new Map<string, string>();
  /** The next sends resolve like whatsapp-web.js does when WhatsApp Web returns no message model. */
  resolveNothing: { times: number; value: null | undefined } = { times: 0, value: undefined };
  private seq = 0;

  async initialize(): Promise<void> {
    this.initialized++;
    if (this.failInitialize) throw this.failInitialize;
  }

  async destroy(): Promise<void> {
    this.destroyed++;
  }

  async sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>) {
    if (this.resolveNothing.times > 0) {
      this.resolveNothing.times--;
      return this.resolveNothing.value;
    }
    this.sent.push({ chatId, content, options });
    return { id: { _serialized: `true_${chatId}_3EB0${++this.seq}`, fromMe: true } };
  }

  async getContactLidAndPhone(ids: string[]) {
    return ids.map((lid) => ({ lid, pn: this.lids.get(lid) }));
  }

  /** A WhatsApp Web incoming chat message the way whatsapp-web.js shapes `Message`. */
  static message(from: string, body: string, extra: Partial<WebjsMessageLike> = {}): WebjsMessageLike {
    const id = `false_${from}_3A${Math.random().toString(16).slice(2, 12).toUpperCase()}`;
    return {
      id: { _serialized: id, fromMe: false },
      from,
      body,
      type: "chat",
      timestamp: Math.floor(Date.now() / 1000),
      fromMe: false,
      isStatus: false,
      hasMedia: false,
      ...extra,
    };
  }
}
