import { chunkText } from "../../core/kernel/render/chunk.js";
import type { ChannelCapabilities } from "../../core/ports/chat-adapter.js";
import type { Action, Reply } from "../../core/ports/reply.js";
import { clip, markdownToWhatsapp } from "./format.js";

/** Cloud API limits for interactive reply buttons. */
export const BUTTON_TITLE_MAX = 20;
export const INTERACTIVE_BODY_MAX = 1024;
export const CAPTION_MAX = 1024;

/** One WhatsApp message to send, transport-neutral. */
export type OutboundPart =
  | { type: "text"; text: string }
  | { type: "buttons"; body: string; buttons: { id: string; title: string }[] }
  | { type: "image"; pngBase64: string; caption?: string };

export interface RenderedWhatsapp {
  parts: OutboundPart[];
  /** Each action as the user chooses it: a number typed, or a reply-button id (a server-side reference). */
  choices: { label: string; answer: string }[];
  warnings: string[];
}

/** "Reply 1 to approve, 2 to edit, 3 to reject." */
export function numberedPrompt(actions: Action[]): string {
  const items = actions.map((a, i) => `*${i + 1}* to ${a.label.charAt(0).toLowerCase()}${a.label.slice(1)}`);
  const list = items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}` : items[0];
  return `Reply ${list}.`;
}

/** The reply's readable body (text, fields, sections, sources) in WhatsApp formatting. */
export function renderBody(reply: Reply, images: boolean): string {
  const out: string[] = [markdownToWhatsapp(reply.text)];
  if (reply.fields?.length)
    out.push("", ...reply.fields.map((f) => `*${f.label}:* ${markdownToWhatsapp(f.value)}`));
  for (const s of reply.sections ?? []) {
    out.push("");
    if (s.title) out.push(`*${s.title}*`);
    if (s.text) out.push(markdownToWhatsapp(s.text));
    for (const f of s.fields ?? []) out.push(`- ${f.label}: ${markdownToWhatsapp(f.value)}`);
  }
  if (reply.image && !(images && reply.image.pngBase64)) out.push("", `[chart: ${reply.image.alt}]`);
  if (reply.sources?.length)
    out.push("", `_Sources:_ ${reply.sources.map((s) => `${s.label} (${s.detail})`).join("; ")}`);
  return out.join("\n").trim();
}

/**
 * Renders a neutral Reply as WhatsApp messages within the channel's capabilities. `refs` are the
 * server-side references for the reply's actions (same order), used as reply-button ids. Pure.
 * Actions become native buttons when the transport has them and they fit, else numbered options.
 */
export function renderWhatsapp(
  reply: Reply,
  caps: ChannelCapabilities,
  refs: string[] = [],
): RenderedWhatsapp {
  const warnings: string[] = [];
  const actions = reply.actions ?? [];
  const native =
    actions.length > 0 &&
    caps.nativeButtons &&
    actions.length <= caps.maxButtons &&
    refs.length === actions.length;
  if (actions.length > 0 && caps.nativeButtons && !native)
    warnings.push(`${actions.length} actions exceed ${caps.maxButtons} buttons; sent as numbered options`);
  let body = renderBody(reply, caps.images);
  if (actions.length && !native) body += `\n\n${numberedPrompt(actions)}`;
  const chunks = chunkText(body, caps.maxTextLength);
  const parts: OutboundPart[] = [];
  if (caps.images && reply.image?.pngBase64) {
    parts.push({
      type: "image",
      pngBase64: reply.image.pngBase64,
      caption: clip(reply.image.title ?? reply.image.alt, CAPTION_MAX),
    });
  }
  if (native) {
    const buttons = actions.map((a, i) => {
      if (a.label.length > BUTTON_TITLE_MAX)
        warnings.push(`button "${a.label}" shortened to ${BUTTON_TITLE_MAX} characters`);
      return { id: refs[i]!, title: clip(a.label, BUTTON_TITLE_MAX) };
    });
    const last = chunks[chunks.length - 1]!;
    const head = chunks.slice(0, -1);
    for (const text of head) parts.push({ type: "text", text });
    if (last.length <= INTERACTIVE_BODY_MAX && last.trim())
      parts.push({ type: "buttons", body: last, buttons });
    else {
      if (last.trim()) parts.push({ type: "text", text: last });
      parts.push({ type: "buttons", body: "Choose an option:", buttons });
    }
    return { parts, choices: actions.map((a, i) => ({ label: a.label, answer: refs[i]! })), warnings };
  }
  for (const text of chunks) parts.push({ type: "text", text });
  return { parts, choices: actions.map((a, i) => ({ label: a.label, answer: String(i + 1) })), warnings };
}

/** The text a user reads in a part (for contract tests and templates). */
export function partText(p: OutboundPart): string {
  return p.type === "text" ? p.text : p.type === "buttons" ? p.body : (p.caption ?? "");
}
