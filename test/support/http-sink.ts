import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError } from "../../src/core/kernel/errors.js";
import type {
  ChannelCapabilities,
  ChannelKind,
  ChatAdapter,
  DeliveryTarget,
  SendResult,
} from "../../src/core/ports/chat-adapter.js";
import type { Reply } from "../../src/core/ports/reply.js";

/**
 * A local HTTP channel sink: records every message it accepts, can fail the next requests with a
 * status (5xx, 429 + Retry-After), and answers "was a message with this idempotency key
 * delivered?" — the capability a real channel needs for exactly-once delivery from the outbox.
 */
export interface SinkMessage {
  id: string;
  key: string;
  address: string;
  text: string;
  hasImage: boolean;
  at: number;
}

export class HttpSink {
  readonly messages: SinkMessage[] = [];
  private readonly failures: { status: number; retryAfter?: number }[] = [];
  private server?: Server;
  url = "";

  failNext(...f: { status: number; retryAfter?: number }[]): void {
    this.failures.push(...f);
  }

  /** How many times each idempotency key was accepted. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const x of this.messages) m.set(x.key, (m.get(x.key) ?? 0) + 1);
    return m;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://sink");
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json", ...headers });
          res.end(JSON.stringify(body));
        };
        if (req.method === "GET" && url.pathname === "/messages") {
          const found = this.messages.find((m) => m.key === url.searchParams.get("key"));
          return json(200, { id: found?.id ?? null });
        }
        if (req.method === "POST" && url.pathname === "/messages") {
          const fail = this.failures.shift();
          if (fail)
            return json(
              fail.status,
              { error: `injected ${fail.status}` },
              fail.retryAfter ? { "retry-after": String(fail.retryAfter) } : {},
            );
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            key: string;
            address: string;
            text: string;
            hasImage?: boolean;
          };
          const msg = {
            id: `m${this.messages.length + 1}`,
            key: body.key,
            address: body.address,
            text: body.text,
            hasImage: Boolean(body.hasImage),
            at: Date.now(),
          };
          this.messages.push(msg);
          return json(200, { id: msg.id });
        }
        json(404, { error: "not found" });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export const sinkCapabilities: ChannelCapabilities = {
  nativeButtons: false,
  maxButtons: 9,
  threads: false,
  maxTextLength: 100_000,
  markdown: "plain",
  images: true,
};

/** A ChatAdapter that talks to an HttpSink over HTTP; `onAccepted` runs after the sink accepted a message. */
export class HttpSinkAdapter implements ChatAdapter {
  readonly capabilities = sinkCapabilities;
  constructor(
    private readonly url: string,
    readonly channel: ChannelKind = "slack",
    private readonly onAccepted?: (key: string) => void | Promise<void>,
  ) {}

  async send(target: DeliveryTarget, reply: Reply): Promise<SendResult> {
    const res = await fetch(`${this.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        key: target.idempotencyKey,
        address: target.address,
        text: reply.text,
        hasImage: Boolean(reply.image?.pngBase64),
      }),
    });
    if (!res.ok) {
      const retryAfter = Number(res.headers.get("retry-after") ?? "") || undefined;
      const err = new AppError(
        res.status === 429 ? "rate_limited" : "provider_error",
        `channel answered ${res.status}`,
        { retryable: true, detail: `HTTP ${res.status} from channel` },
      );
      throw Object.assign(err, retryAfter ? { retryAfterMs: retryAfter * 1000 } : {});
    }
    const { id } = (await res.json()) as { id: string };
    await this.onAccepted?.(target.idempotencyKey ?? "");
    return { messageIds: [id] };
  }

  async alreadyDelivered(_target: DeliveryTarget, key: string): Promise<string | null> {
    const res = await fetch(`${this.url}/messages?key=${encodeURIComponent(key)}`);
    return ((await res.json()) as { id: string | null }).id;
  }
}
