import type { CommandSpec } from "../../intents/feature.js";
import type { Reply } from "../../ports/reply.js";

/** Help text in the channel's own conventions: slash commands on Slack, plain words elsewhere. */
export function helpReply(
  channel: string,
  commands: readonly CommandSpec[],
  suggestion?: string,
  text?: string,
): Reply {
  const slashed = channel === "slack";
  const lines = commands.map(
    (c) =>
      `• \`${slashed ? `/${c.usage.startsWith("help") ? "keel help" : c.usage}` : c.usage}\` — ${c.summary}`,
  );
  const head = suggestion
    ? `I don't know "${text}". Did you mean \`${slashed ? "/" : ""}${suggestion}\`?`
    : "Here is what I understand. You can also just ask a question, like “how is my business doing?”";
  return {
    text: head,
    sections: suggestion ? [] : [{ title: "Commands", text: lines.join("\n") }],
    meta: suggestion ? { suggestion } : { commands: commands.map((c) => c.name) },
  };
}
