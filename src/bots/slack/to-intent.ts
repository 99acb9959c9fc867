import type { IntentArgs } from "../../core/intents/intent.js";
import { parseText } from "../../core/intents/parse.js";
import { wellFormed } from "../../core/kernel/text.js";

/** The slash commands Keel registers (slack-manifest.json). */
export const SLASH_COMMANDS = [
  "/coach",
  "/goal",
  "/deal",
  "/remind",
  "/cashflow",
  "/forecast",
  "/plan",
  "/keel",
] as const;
export type SlashCommand = (typeof SLASH_COMMANDS)[number];

/** `/keel` sub-commands whose answers only the asker should see. */
const PRIVATE_KEEL = new Set(["help", "settings", "usage", "digest", ""]);

/**
 * Decodes Slack's message encoding back to what the user typed: `<@U1>` → `@U1`, `<#C1|general>` →
 * `#general`, `<https://x|label>` → `label (https://x)`, `<!here>` → `@here`, then &amp; &lt; &gt;.
 */
export function decodeSlackText(text: string): string {
  // Socket Mode bodies do not pass the HTTP receiver's repair: make the text storable here too.
  return wellFormed(text)
    .replace(/<([@#!])([^>|]+)(?:\|([^>]*))?>/g, (_m, sigil: string, id: string, label?: string) =>
      sigil === "!" ? `@${(id.split("^")[0] ?? id).replace(/^subteam$/, "group")}` : `${sigil}${label || id}`,
    )
    .replace(/<([^>|]+)\|([^>]*)>/g, "$2 ($1)")
    .replace(/<([^>]+)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Pure: a slash command and its text → intent arguments. `/deal Acme` is `deal Acme`, `/coach …` is
 * always a coach message, `/keel help|settings|usage|digest …` are the shared text commands.
 */
export function commandToIntent(command: string, text: string): IntentArgs {
  const body = decodeSlackText(text).trim();
  const name = command.replace(/^\//, "").toLowerCase();
  switch (name) {
    case "coach":
      return body ? { kind: "coach.message", text: body } : { kind: "help", topic: "coach" };
    case "keel":
      return parseText(body || "help");
    case "goal":
    case "deal":
    case "remind":
    case "cashflow":
    case "forecast":
    case "plan":
      return parseText(`${name} ${body}`);
    default:
      return { kind: "unknown", text: command };
  }
}

/** Whether a command's answer should be visible only to the asker. */
export function isPrivateCommand(command: string, text: string): boolean {
  return command === "/keel" && PRIVATE_KEEL.has(text.trim().split(/\s+/)[0]?.toLowerCase() ?? "");
}

/** Pure: a mention or DM → intent arguments; the bot's own mention is removed first. */
export function messageToIntent(text: string, botUserId?: string): IntentArgs {
  const withoutBot = botUserId
    ? text.replaceAll(`<@${botUserId}>`, " ")
    : text.replace(/^\s*<@[UW][A-Z0-9]+>/, " ");
  const clean = decodeSlackText(withoutBot).replace(/\s+/g, " ").trim();
  if (!clean) return { kind: "help" };
  return parseText(clean);
}
