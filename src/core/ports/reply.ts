/**
 * The neutral reply every feature returns. Channels render it natively (Slack Block Kit, WhatsApp
 * text with numbered options, console text) and never add business logic.
 * `text` is standard Markdown (bold, italics, lists, links); renderers convert it.
 */
export interface Field {
  label: string;
  value: string;
}

export interface Section {
  title?: string;
  text?: string;
  fields?: Field[];
}

export interface ReplyImage {
  /** PNG bytes, base64; renderers upload or attach it. */
  pngBase64?: string;
  /** A file path where the image was saved (console shows it). */
  path?: string;
  alt: string;
  title?: string;
}

/** What pressing an action does: an intent payload minus its origin. Adapters never trust it from the wire;
 *  they keep it server-side and send only a reference. */
export interface ActionIntent {
  kind: string;
  [arg: string]: unknown;
}

export interface Action {
  /** stable id within the reply, e.g. "approve" */
  id: string;
  label: string;
  style?: "primary" | "danger" | "default";
  intent: ActionIntent;
}

/** Where a number came from: the query, forecast or solver run that produced it. */
export interface Source {
  label: string;
  detail: string;
}

export interface Reply {
  text: string;
  sections?: Section[];
  fields?: Field[];
  image?: ReplyImage;
  actions?: Action[];
  sources?: Source[];
  /** Visible only to the asking user where the channel supports it. */
  ephemeral?: boolean;
  /** Machine-readable metadata: provider, route, tokens, cost, draft id, ... */
  meta?: Record<string, unknown>;
}

export function textReply(text: string, extra: Partial<Reply> = {}): Reply {
  return { text, ...extra };
}
