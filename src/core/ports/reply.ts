import type { IntentArgs } from "../intents/intent.js";
import type { ChartInput } from "../kernel/chart/index.js";

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
  /** The data drawn (one or more charts), for channels that draw text instead (console). */
  charts?: ChartInput[];
}

/** What pressing an action does: an intent payload minus its origin. Adapters never trust it from the wire;
 *  they keep it server-side and send only a reference. */
export type ActionIntent = IntentArgs;

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

/**
 * What happened, typed, for adapters to act on (open the edit modal, replace the buttons with the
 * decision, answer privately). Absent = an ordinary answer. `meta` is diagnostics only: no adapter
 * reads it.
 */
export type ReplyOutcome =
  /** The same delivery is already being handled; its reply will arrive on its own. */
  | { kind: "duplicate" }
  /** The dispatcher mapped an error (AppError code: forbidden, not_found, internal, …). */
  | { kind: "error"; code: string }
  /** A use case refused by a per-record rule (who may approve this draft, who assigns roles). */
  | { kind: "refused" }
  /** The command was typed with bad arguments; `text` is its usage line. */
  | { kind: "usage-error"; command: string }
  /** The draft's new text is expected next; `currentBody` is what to edit. */
  | { kind: "awaiting-edit"; draftId: string; currentBody: string }
  /** A person decided (approved/rejected a draft, accepted a goal, assigned a role). */
  | { kind: "decided"; decision: "approved" | "rejected" | "accepted" | "assigned"; by: string };

/** True when the reply is a setback the asker alone should see (error or refusal). */
export function isSetback(reply: Pick<Reply, "outcome">): boolean {
  return reply.outcome?.kind === "error" || reply.outcome?.kind === "refused";
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
  /** What happened, typed; adapters act on this. */
  outcome?: ReplyOutcome;
  /** The subject line where a channel has one (e-mail): a draft's subject. Others ignore it. */
  subject?: string;
  /** Diagnostics for logs and tests: provider, route, tokens, cost, draft id, … Adapters never read it. */
  meta?: Record<string, unknown>;
}

export function textReply(text: string, extra: Partial<Reply> = {}): Reply {
  return { text, ...extra };
}
