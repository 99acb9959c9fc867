import type { IntentArgs } from "../../core/intents/intent.js";
import { parseText } from "../../core/intents/parse.js";

/** What a person sent, transport-neutral. */
export type InboundContent =
  | { type: "text"; text: string }
  /** A reply-button press (Cloud API `interactive.button_reply` or a template quick-reply payload). */
  | { type: "button"; ref: string; title?: string }
  /**
   * A file (Cloud API `document`, whatsapp-web.js media). `mediaId` is fetched through Graph; `load`
   * (whatsapp-web.js) downloads it from the message itself.
   */
  | {
      type: "document";
      fileName: string;
      mimeType?: string;
      size?: number;
      mediaId?: string;
      load?: () => Promise<Uint8Array>;
    }
  /** Anything the bot does not read (image, audio, sticker, location…). */
  | { type: "unsupported"; what: string };

export interface InboundMessage {
  /** The business side: Cloud API phone number id, or `webjs:<clientId>`. */
  account: string;
  /** The sender in E.164. */
  from: string;
  messageId: string;
  at: Date;
  content: InboundContent;
}

/** The chat's server-side state that an answer is read against. */
export interface WhatsappChatState {
  /** The numbered menu last offered (null = expired entry). */
  menu: (IntentArgs | null)[];
  /** The intent behind a pressed button, looked up by its reference (null = unknown or expired). */
  button?: IntentArgs | null;
  /** Set after choosing Edit: the next text is the draft's new body. */
  awaitingEditFor?: string;
}

const expired = (what: string): IntentArgs => ({
  kind: "usage.error",
  command: "choice",
  message: `That ${what} has expired or is not one I offered. Send \`drafts\` to see what is waiting, or \`help\`.`,
});

/** Pure: an inbound WhatsApp message plus the chat's state → intent arguments. */
export function whatsappToIntent(content: InboundContent, state: WhatsappChatState): IntentArgs {
  if (content.type === "unsupported" || content.type === "document") {
    return {
      kind: "usage.error",
      command: "media",
      message: `Thanks! I can't read ${content.type === "document" ? "file" : content.what} messages yet. Send me text instead, e.g. \`deals\` or \`help\`.`,
    };
  }
  if (content.type === "button") return state.button ?? expired("button");
  const text = content.text.trim();
  if (state.awaitingEditFor && text)
    return { kind: "draft.edit", draftRef: state.awaitingEditFor, body: text };
  if (/^\d{1,2}$/.test(text)) {
    // No menu of buttons here: the core's conversation context may hold the list (rows of an answer).
    if (state.menu.length === 0) return { kind: "coach.message", text };
    return state.menu[Number(text) - 1] ?? expired("choice");
  }
  return parseText(text);
}
