import type { Block, Inline } from "./ast.js";
import { parseMarkdown } from "./parse.js";

/**
 * How one channel writes each node. A channel's renderer is its dialect; the walk is shared, so
 * every channel reads the same AST the same way and only the marks differ.
 */
export interface Dialect {
  /** Plain text as the channel must receive it (Slack escapes & < >; others pass it through). */
  text(s: string): string;
  strong(inner: string): string;
  emphasis(inner: string): string;
  delete(inner: string): string;
  code(value: string): string;
  link(label: string, url: string): string;
  heading(inner: string): string;
  bullet(indent: string, inner: string): string;
  quote(inner: string): string;
  /** The whole fenced block, fences included where the channel has them. */
  codeBlock(lines: string[]): string;
  /** A horizontal rule, or null to drop the line. */
  rule(): string | null;
}

export function renderInline(nodes: Inline[], d: Dialect): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case "text":
          return d.text(n.value);
        case "code":
          return d.code(n.value);
        case "strong":
          return d.strong(renderInline(n.children, d));
        case "emphasis":
          return d.emphasis(renderInline(n.children, d));
        case "delete":
          return d.delete(renderInline(n.children, d));
        case "link":
          return d.link(plainInline(n.children), n.url);
        default:
          return "";
      }
    })
    .join("");
}

/** A node's words without marks (link labels, plain fallbacks). */
export function plainInline(nodes: Inline[]): string {
  return nodes
    .map((n) => (n.type === "text" || n.type === "code" ? n.value : plainInline(n.children)))
    .join("");
}

export function renderBlocks(blocks: Block[], d: Dialect): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "line":
        out.push(renderInline(b.children, d));
        break;
      case "heading":
        out.push(d.heading(renderInline(b.children, d)));
        break;
      case "bullet":
        out.push(d.bullet(b.indent, renderInline(b.children, d)));
        break;
      case "quote":
        out.push(d.quote(renderInline(b.children, d)));
        break;
      case "code-block":
        out.push(d.codeBlock(b.lines));
        break;
      case "rule": {
        const r = d.rule();
        if (r !== null) out.push(r);
        break;
      }
    }
  }
  return out.join("\n");
}

/** Markdown text → the channel's text. */
export function renderMarkdown(md: string, d: Dialect): string {
  return renderBlocks(parseMarkdown(md), d);
}

/** Plain text: marks removed, links as "label (url)"; console, e-mail and notification fallbacks. */
export const plainDialect: Dialect = {
  text: (s) => s,
  strong: (s) => s,
  emphasis: (s) => s,
  delete: (s) => s,
  code: (s) => s,
  link: (label, url) => (label === url || !label ? url : `${label} (${url})`),
  heading: (s) => s,
  bullet: (indent, s) => `${indent}- ${s}`,
  quote: (s) => `> ${s}`,
  codeBlock: (lines) => lines.join("\n"),
  rule: () => "──────────",
};

/** Markdown → plain text (the one stripper: console, e-mail, Slack notification text). */
export function markdownToPlain(md: string): string {
  return renderMarkdown(md, plainDialect);
}
