import type { Block, Inline } from "./ast.js";

type Rule = { re: RegExp; make: (m: RegExpExecArray) => Inline; lead?: boolean };

// Order = precedence. `lead` rules capture one character before the marker (a word-boundary check
// that JS lookbehind cannot express portably); that character is given back as text.
const RULES: Rule[] = [
  { re: /\\([\\`*_{}[\]()#+\-.!~<>|])/y, make: (m) => ({ type: "text", value: m[1]! }) },
  { re: /`([^`\n]+)`/y, make: (m) => ({ type: "code", value: m[1]! }) },
  {
    re: /!?\[([^\]\n]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/y,
    make: (m) => ({ type: "link", url: m[2]!, children: parseInline(m[1]!) }),
  },
  {
    re: /<((?:https?:\/\/|mailto:)[^\s<>|]+)>/iy,
    make: (m) => ({ type: "link", url: m[1]!, children: [{ type: "text", value: m[1]! }] }),
  },
  { re: /\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*/y, make: (m) => ({ type: "strong", children: parseInline(m[1]!) }) },
  {
    re: /__(?=\S)([\s\S]+?)(?<=\S)__(?!\w)/y,
    make: (m) => ({ type: "strong", children: parseInline(m[1]!) }),
  },
  { re: /~~(?=\S)([\s\S]+?)(?<=\S)~~/y, make: (m) => ({ type: "delete", children: parseInline(m[1]!) }) },
  {
    re: /\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])/y,
    make: (m) => ({ type: "emphasis", children: parseInline(m[1]!) }),
    lead: true,
  },
  {
    re: /_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)/y,
    make: (m) => ({ type: "emphasis", children: parseInline(m[1]!) }),
    lead: true,
  },
];

/** Inline Markdown → nodes. Unmatched markers stay text ("3 * 4 * 5" is not emphasis). */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ type: "text", value: text });
    text = "";
  };
  let i = 0;
  while (i < s.length) {
    let matched = false;
    for (const r of RULES) {
      // Emphasis may open only at the start or after a non-word, non-marker character.
      if (r.lead && i > 0 && /[\w*\\]/.test(s[i - 1]!)) continue;
      r.re.lastIndex = i;
      const m = r.re.exec(s);
      if (!m) continue;
      flush();
      out.push(r.make(m));
      i += m[0].length;
      matched = true;
      break;
    }
    if (!matched) text += s[i++];
  }
  flush();
  return out;
}

/** A Markdown document → blocks, line by line (chat text has no paragraph reflow). */
export function parseMarkdown(md: string): Block[] {
  const blocks: Block[] = [];
  let fence: string[] | null = null;
  for (const raw of md.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*```/.test(raw)) {
      if (fence) {
        blocks.push({ type: "code-block", lines: fence });
        fence = null;
      } else fence = [];
      continue;
    }
    if (fence) {
      fence.push(raw);
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(raw);
    if (heading) {
      blocks.push({ type: "heading", children: parseInline(heading[1]!) });
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      blocks.push({ type: "rule" });
      continue;
    }
    const quote = /^\s{0,3}>\s?(.*)$/.exec(raw);
    if (quote) {
      blocks.push({ type: "quote", children: parseInline(quote[1]!) });
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
    if (bullet) {
      blocks.push({ type: "bullet", indent: bullet[1]!, children: parseInline(bullet[2]!) });
      continue;
    }
    blocks.push({ type: "line", children: parseInline(raw) });
  }
  if (fence) blocks.push({ type: "code-block", lines: fence });
  return blocks;
}

/** Backslash-escapes Markdown markers, so a customer called "A*B_C" stays literal in any channel. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_~[\]<>]/g, "\\$&");
}
