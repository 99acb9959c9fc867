/**
 * Standard Markdown → WhatsApp's own formatting: *bold*, _italic_, ~strike~, ```mono```, `code`,
 * "- " / "1. " lists and "> " quotes. Pure; code spans are left untouched.
 */
const B = "\u0001"; // bold placeholder, so italic rules do not see converted bold markers
const CODE = "\u0002";

export function markdownToWhatsapp(md: string): string {
  const codes: string[] = [];
  // Protect fenced blocks and inline code first: nothing inside them is formatting.
  let s = md.replace(/```[\s\S]*?```|`[^`\n]+`/g, (m) => {
    codes.push(m);
    return `${CODE}${codes.length - 1}${CODE}`;
  });
  s = s
    // Headings become bold lines.
    .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, t: string) => `${B}${t}${B}`)
    // Bold: **x** or __x__.
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, `${B}$1${B}`)
    .replace(/__(?=\S)([\s\S]*?\S)__/g, `${B}$1${B}`)
    // Italic: *x* (not a "* " list bullet) → _x_; _x_ stays.
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/gm, "$1_$2_")
    // Strike: ~~x~~ → ~x~.
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "~$1~")
    // Links: [text](url) → text (url); a bare <url> loses its brackets.
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, (_m, t: string, u: string) => (t === u ? u : `${t} (${u})`))
    .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
    // Bullets "* x" / "+ x" → "- x" (WhatsApp renders "- " and "* " lists; one style reads better).
    .replace(/^(\s*)[*+]\s+/gm, "$1- ")
    // Horizontal rules have no equivalent.
    .replace(/^\s*([-*_])(\s*\1){2,}\s*$/gm, "");
  s = s.split(B).join("*");
  return s.replace(new RegExp(`${CODE}(\\d+)${CODE}`, "g"), (_m, i: string) => codes[Number(i)] ?? "");
}

/** Cuts a label to `max` characters with an ellipsis (Cloud API button titles allow 20). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}
