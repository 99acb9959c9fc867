import type { Deps } from "../../../core/deps.js";
import type { ChannelCapabilities } from "../../../core/ports/chat-adapter.js";
import { lastInboundAt, windowOpen } from "../contacts.js";
import { clip } from "../format.js";
import { BSUID_RE, toDigits } from "../phone.js";
import type { SendGate, WhatsappTransport } from "../transport.js";
import type { GraphClient } from "./graph-client.js";

/** Cloud API: native reply buttons (max 3, titles ≤ 20), 4096-character text, images by media upload. */
export const cloudCapabilities: ChannelCapabilities = {
  nativeButtons: true,
  maxButtons: 3,
  threads: false,
  maxTextLength: 4096,
  markdown: "whatsapp",
  images: true,
};

export interface CloudTransportOptions {
  deps: Deps;
  graph: GraphClient;
  /** The business phone number id. */
  account: string;
  template?: { name: string; language: string; bodyParam: boolean };
}

/** A BSUID stays as it is (sent as `recipient`); a phone number becomes digits (sent as `to`). */
const recipient = (to: string) => (BSUID_RE.test(to) ? to : toDigits(to));

/**
 * Longest {{1}} Keel puts in a template: a template body may be 1,024 characters in all, so this
 * leaves the template's own text room (1,000 left it about 24 and Meta refused the send).
 */
export const TEMPLATE_PARAM_MAX = 700;

/** Template parameters may not contain new lines, tabs or more than four spaces in a row. */
const oneLine = (s: string) =>
  s
    .replace(/\s*\n+\s*/g, " · ")
    .replace(/\s+/g, " ")
    .trim();

/** The official WhatsApp Cloud API transport (outbound half; inbound arrives through the webhook). */
export class CloudTransport implements WhatsappTransport {
  readonly kind = "cloud" as const;
  readonly capabilities = cloudCapabilities;
  readonly account: string;
  readonly templateName?: string;
  constructor(private readonly o: CloudTransportOptions) {
    this.account = o.account;
    this.templateName = o.template?.name;
  }

  sendText(to: string, text: string): Promise<string> {
    return this.o.graph.sendMessage(recipient(to), {
      type: "text",
      text: { preview_url: false, body: text },
    });
  }

  sendButtons(to: string, body: string, buttons: { id: string; title: string }[]): Promise<string> {
    return this.o.graph.sendMessage(recipient(to), {
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: body },
        action: { buttons: buttons.map((b) => ({ type: "reply", reply: { id: b.id, title: b.title } })) },
      },
    });
  }

  async sendImage(to: string, pngBase64: string, caption?: string): Promise<string> {
    const mediaId = await this.o.graph.uploadMedia(
      Buffer.from(pngBase64, "base64"),
      "image/png",
      "chart.png",
    );
    return this.o.graph.sendMessage(recipient(to), {
      type: "image",
      image: { id: mediaId, ...(caption ? { caption } : {}) },
    });
  }

  sendTemplate(to: string, text: string): Promise<string> {
    const t = this.o.template;
    if (!t) throw new Error("no template configured");
    return this.o.graph.sendMessage(recipient(to), {
      type: "template",
      template: {
        name: t.name,
        language: { code: t.language },
        ...(t.bodyParam
          ? {
              components: [
                {
                  type: "body",
                  parameters: [{ type: "text", text: clip(oneLine(text), TEMPLATE_PARAM_MAX) }],
                },
              ],
            }
          : {}),
      },
    });
  }

  /** Free text only inside the 24-hour window; outside it the template, or hold with a reason. */
  async gate(tenantId: string, to: string): Promise<SendGate> {
    const last = await lastInboundAt(this.o.deps, tenantId, this.account, to);
    if (windowOpen(last, this.o.deps.clock.now())) return { mode: "free" };
    if (this.o.template) return { mode: "template", name: this.o.template.name };
    return {
      mode: "hold",
      reason:
        "outside the 24-hour customer service window and WHATSAPP_CLOUD_TEMPLATE is not set; retried until the contact writes again",
    };
  }
}
