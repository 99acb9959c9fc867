import type { ChannelCapabilities } from "../../core/ports/chat-adapter.js";

/** Whether free text may go to a contact now (Cloud API 24-hour window); transports without one are always "free". */
export type SendGate =
  | { mode: "free" }
  | { mode: "template"; name: string }
  | { mode: "hold"; reason: string };

/**
 * What a WhatsApp transport (whatsapp-web.js or the Cloud API) does; everything else — rendering,
 * numbered/button choices, pacing, exactly-once parts — lives in the shared adapter. Each send
 * returns the platform's message id. `to` is E.164.
 */
export interface WhatsappTransport {
  readonly kind: "webjs" | "cloud";
  /** The business account id used in channel links and the contact window (phone number id or webjs:<clientId>). */
  readonly account: string;
  readonly capabilities: ChannelCapabilities;
  sendText(to: string, text: string): Promise<string>;
  sendButtons?(to: string, body: string, buttons: { id: string; title: string }[]): Promise<string>;
  sendImage?(to: string, pngBase64: string, caption?: string): Promise<string>;
  /** Outside the window: an approved template, with the first text as its body parameter when configured. */
  sendTemplate?(to: string, text: string): Promise<string>;
  /** The approved template sent outside the 24-hour window, when one is configured. */
  readonly templateName?: string;
  gate?(tenantId: string, to: string): Promise<SendGate>;
  /** False while another replica holds a singleton transport (whatsapp-web.js lease). */
  deliversHere?(): boolean;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
