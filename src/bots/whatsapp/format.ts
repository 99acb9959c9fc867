/**
 * The WhatsApp dialect of core Markdown (one parser, src/core/kernel/markdown): *bold*, _italic_,
 * ~strike~, ```mono```, `code`, "- " lists and "> " quotes; links as "text (url)".
 */
import { type Dialect, renderMarkdown } from "../../core/kernel/markdown/index.js";

export const whatsappDialect: Dialect = {
  text: (s) => s,
  strong: (s) => `*${s}*`,
  emphasis: (s) => `_${s}_`,
  delete: (s) => `~${s}~`,
  code: (v) => `\`${v}\``,
  link: (label, url) => (label === url || !label ? url : `${label} (${url})`),
  heading: (s) => `*${s.replace(/^\*(.*)\*$/, "$1")}*`,
  // WhatsApp renders "- " and "* " lists; one style reads better.
  bullet: (indent, s) => `${indent}- ${s}`,
  quote: (s) => `> ${s}`,
  codeBlock: (lines) => ["```", ...lines, "```"].join("\n"),
  // Horizontal rules have no equivalent.
  rule: () => "",
};

export function markdownToWhatsapp(md: string): string {
  return renderMarkdown(md, whatsappDialect);
}

/** Cuts a label to `max` characters with an ellipsis (Cloud API button titles allow 20). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}
