import type { Reply } from "../../core/ports/reply.js";

/** Markdown emphasis and code marks removed for a plain-text email. */
export function plainText(md: string): string {
  return md
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/(^|[\s(])\*(\S[^*\n]*?)\*(?=[\s).,;:!?]|$)/g, "$1$2")
    .replace(/(^|[\s(])_(\S[^_\n]*?)_(?=[\s).,;:!?]|$)/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1");
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders a neutral Reply as an email: subject from `meta.subject` (drafts) or the first line; body
 * text with fields and sections; actions are not clickable in email, so they are listed as the chat
 * commands that do them.
 */
export function renderEmail(reply: Reply): RenderedEmail {
  let body = reply.text;
  let subject = typeof reply.meta?.subject === "string" && reply.meta.subject ? reply.meta.subject : "";
  if (subject) {
    // Draft payloads start with "*Subject*\n\n": do not repeat it in the body.
    const head = `*${subject}*`;
    if (body.startsWith(head)) body = body.slice(head.length).replace(/^\n+/, "");
  } else subject = plainText(body.split("\n")[0] ?? "").slice(0, 120) || "Message from Keel";
  const parts = [plainText(body)];
  if (reply.fields?.length)
    parts.push(reply.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join("\n"));
  for (const s of reply.sections ?? [])
    parts.push(
      [
        s.title ? plainText(s.title) : "",
        s.text ? plainText(s.text) : "",
        ...(s.fields ?? []).map((f) => `${f.label}: ${f.value}`),
      ]
        .filter(Boolean)
        .join("\n"),
    );
  const text = parts.filter(Boolean).join("\n\n");
  const html = `<div>${text
    .split("\n\n")
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("")}</div>`;
  return { subject: plainText(subject), text, html };
}
