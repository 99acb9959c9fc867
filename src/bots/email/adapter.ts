import nodemailer, { type Transporter } from "nodemailer";
import { span } from "../../core/infra/telemetry/trace.js";
import type {
  ChannelCapabilities,
  ChatAdapter,
  DeliveryTarget,
  SendResult,
} from "../../core/ports/chat-adapter.js";
import type { Reply } from "../../core/ports/reply.js";
import { renderEmail } from "./render.js";

export const emailCapabilities: ChannelCapabilities = {
  nativeButtons: false,
  maxButtons: 0,
  threads: true,
  maxTextLength: 100_000,
  markdown: "plain",
  images: true,
};

export interface EmailAdapterOptions {
  /** smtp://user:pass@host:port or smtps://… */
  url: string;
  from: string;
  /** Domain for Message-IDs (default: the From address's domain). */
  messageIdDomain?: string;
}

/**
 * Delivers outbox messages by email through SMTP (nodemailer). The outbox id becomes the
 * Message-ID, so a retried delivery carries the same id and mail systems can drop the duplicate;
 * a thread id becomes In-Reply-To/References.
 */
export class EmailAdapter implements ChatAdapter {
  readonly channel = "email" as const;
  readonly capabilities = emailCapabilities;
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(private readonly opts: EmailAdapterOptions) {
    this.transport = nodemailer.createTransport(opts.url);
    this.domain = opts.messageIdDomain ?? /@([^>\s]+)/.exec(opts.from)?.[1] ?? "keel.local";
  }

  async send(target: DeliveryTarget, reply: Reply): Promise<SendResult> {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(target.address))
      throw new Error(`not an email address: ${target.address.slice(0, 3)}…`);
    const mail = renderEmail(reply);
    const messageId = target.idempotencyKey ? `<${target.idempotencyKey}@${this.domain}>` : undefined;
    const warnings: string[] = [];
    const attachments = reply.image?.pngBase64
      ? [{ filename: "chart.png", content: reply.image.pngBase64, encoding: "base64" as const }]
      : [];
    if (reply.actions?.length) warnings.push("email has no buttons: actions omitted");
    const info = await span("email send", { kind: "client", attributes: { "rpc.system": "smtp" } }, () =>
      this.transport.sendMail({
        from: this.opts.from,
        to: target.address,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments,
        ...(messageId ? { messageId } : {}),
        ...(target.threadId ? { inReplyTo: target.threadId, references: [target.threadId] } : {}),
      }),
    );
    return {
      messageIds: [String(info.messageId ?? messageId ?? "")],
      ...(warnings.length ? { warnings } : {}),
    };
  }

  async stop(): Promise<void> {
    this.transport.close();
  }
}
