/**
 * The Slack dialect of core Markdown (one parser, src/core/kernel/markdown). Everything Slack would
 * interpret as a control sequence is escaped: `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and
 * `<url|label>` masked links from model or user text arrive as visible text, never as pings or
 * disguised links. Markdown links are shown with their real address: `label (<https://…>)`.
 */
import { type Dialect, markdownToPlain, renderMarkdown } from "../../../core/kernel/markdown/index.js";

export { markdownToPlain };

/** Escapes the three characters Slack reserves (&, <, >). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s<>|]+$/i;

function link(label: string, url: string): string {
  const u = url.trim();
  if (!SAFE_URL.test(u)) return `${escapeMrkdwn(label)} (${escapeMrkdwn(u)})`;
  const shown = `<${u.replace(/&/g, "&amp;")}>`;
  return label.trim() === u || label.trim() === "" ? shown : `${escapeMrkdwn(label)} (${shown})`;
}

export const slackDialect: Dialect = {
  text: escapeMrkdwn,
  strong: (s) => `*${s}*`,
  emphasis: (s) => `_${s}_`,
  delete: (s) => `~${s}~`,
  code: (v) => `\`${escapeMrkdwn(v)}\``,
  link,
  heading: (s) => `*${s.replace(/^\*(.*)\*$/, "$1")}*`,
  bullet: (indent, s) => `${indent}• ${s}`,
  quote: (s) => `> ${s}`,
  codeBlock: (lines) => ["```", ...lines.map(escapeMrkdwn), "```"].join("\n"),
  rule: () => "──────────",
};

/** Converts a Markdown document to mrkdwn (code fences kept, their contents escaped). */
export function markdownToMrkdwn(md: string): string {
  return renderMarkdown(md, slackDialect);
}
