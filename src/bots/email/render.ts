import { markdownToPlain } from "../../core/kernel/markdown/index.js";
import type { Reply } from "../../core/ports/reply.js";

/** Plain-text e-mail: the plain dialect of core Markdown. */
export const plainText = markdownToPlain;

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders a neutral Reply as an email: subject from `reply.subject` (drafts) or the first line; body
 * text with fields and sections; actions are not clickable in email, so they are listed as the chat
 * commands that do them.
 */
export function renderEmail(reply: Reply): RenderedEmail {
  let body = plainText(reply.text);
  let subject = reply.subject?.trim() ?? "";
  if (subject) {
    // Draft payloads start with the subject as a bold line: do not repeat it in the body.
    const [first, ...rest] = body.split("\n");
    if (first?.trim() === subject.trim()) body = rest.join("\n").replace(/^\n+/, "");
  } else subject = (body.split("\n")[0] ?? "").slice(0, 120) || "Message from Keel";
  const parts = [body];
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
