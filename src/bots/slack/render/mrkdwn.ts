/**
 * Standard Markdown (what the core and the model write) → Slack mrkdwn. Everything that Slack would
 * interpret as a control sequence is escaped: `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and
 * `<url|label>` masked links from model or user text arrive as visible text, never as pings or
 * disguised links. Markdown links are shown with their real address: `label (<https://…>)`.
 */

/** Escapes the three characters Slack reserves (&, <, >). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Private-use characters as placeholders (removed from the input first, so they cannot be forged). */
const HOLD = "\uE000";
const BOLD = "\uE001";

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s<>|]+$/i;

function link(label: string, url: string): string {
  const u = url.trim();
  if (!SAFE_URL.test(u)) return `${escapeMrkdwn(label)} (${escapeMrkdwn(u)})`;
  const shown = `<${u.replace(/&/g, "&amp;")}>`;
  return label.trim() === u || label.trim() === "" ? shown : `${escapeMrkdwn(label)} (${shown})`;
}

/** Inline conversion of one line of prose (no code). Placeholders keep converted links untouched. */
function inline(line: string, keep: string[]): string {
  const hold = (s: string) => `${HOLD}${keep.push(s) - 1}${HOLD}`;
  let s = line
    .replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`\`${escapeMrkdwn(code)}\``))
    .replace(/!?\[([^\]\n]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) =>
      hold(link(label, url)),
    )
    .replace(/<((?:https?:\/\/|mailto:)[^\s<>|]+)>/gi, (_m, url: string) => hold(link(url, url)));
  s = escapeMrkdwn(s);
  s = s
    .replace(/\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/__(?=\S)([\s\S]+?)(?<=\S)__/g, `${BOLD}$1${BOLD}`)
    .replace(/(^|[^\w*\\])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])/g, "$1_$2_")
    .replace(/~~(?=\S)([\s\S]+?)(?<=\S)~~/g, "~$1~")
    .replaceAll(BOLD, "*");
  return s;
}

function proseLine(raw: string, keep: string[]): string {
  const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(raw);
  if (heading) return `*${inline(heading[1]!.replace(/\*\*/g, ""), keep).replace(/^\*(.*)\*$/, "$1")}*`;
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(raw)) return "──────────";
  const quote = /^\s{0,3}>\s?(.*)$/.exec(raw);
  if (quote) return `> ${inline(quote[1]!, keep)}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2]!, keep)}`;
  return inline(raw, keep);
}

/** Converts a Markdown document to mrkdwn (code fences kept, their contents escaped). */
export function markdownToMrkdwn(md: string): string {
  const out: string[] = [];
  const keep: string[] = [];
  let inFence = false;
  for (const raw of md
    .replace(/\r\n?/g, "\n")
    .replace(/[\uE000\uE001]/g, "")
    .split("\n")) {
    if (/^\s*```/.test(raw)) {
      out.push("```");
      inFence = !inFence;
      continue;
    }
    out.push(inFence ? escapeMrkdwn(raw) : proseLine(raw, keep));
  }
  if (inFence) out.push("```");
  return out
    .join("\n")
    .replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, "g"), (_m, i: string) => keep[Number(i)] ?? "");
}

/** Plain text for notifications and plain_text objects: Markdown emphasis removed, nothing escaped. */
export function markdownToPlain(md: string): string {
  return md
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/__(.+?)__/g, "$1")
    .replace(/(^|[\s(])\*(\S[^*]*?)\*/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/^\s{0,3}#{1,6}\s+/gm, "")
    .replace(/!?\[([^\]]*)\]\(([^)\s]+)\)/g, "$1 ($2)");
}
