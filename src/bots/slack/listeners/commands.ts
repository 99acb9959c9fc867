import type { App } from "@slack/bolt";
import { type InboundTurnRow, receiveTurn } from "../../../core/features/inbox/index.js";
import { afterAck, type SlackContext, teamKeyOf } from "../context.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { commandToIntent, SLASH_COMMANDS } from "../to-intent.js";
import { answerCommand, COMMAND_RE, incomingCommand, resumeTurn } from "../turns.js";

const OWN_SLASH = new Set(SLASH_COMMANDS.map((c) => c.slice(1)));

/** "Usage: deal NAME" → "Usage: `/deal NAME`" (or `/keel …` for the shared commands without their own slash). */
export function slackUsage(message: string): string {
  return message.replace(/^Usage: (.*)$/s, (_m, u: string) => {
    const first = u.split(/\s+/)[0] ?? "";
    return `Usage: \`${OWN_SLASH.has(first) ? `/${u}` : `/keel ${u}`}\``;
  });
}

/**
 * Slash commands: parse (pure) → bad arguments are answered in the ack itself, ephemerally; anything
 * else is acked empty at once (the receiver recorded the turn before) and answered through the
 * response_url — at most 5 posts, the rest through the Web API — when the dispatcher is done.
 */
export function registerCommands(app: App, ctx: SlackContext): void {
  app.command(COMMAND_RE, async ({ command, ack, body, context }) => {
    const args = commandToIntent(command.command, command.text);
    if (args.kind === "usage.error") {
      await ack({ response_type: "ephemeral", text: escapeMrkdwn(slackUsage(args.message)) });
      return;
    }
    await ack();
    await afterAck();
    const c = incomingCommand(body as unknown as Record<string, unknown>);
    if (!c) return;
    c.teamKey = teamKeyOf(context);
    let turn = context.inboxTurn as InboundTurnRow | undefined;
    if (!turn) {
      const r = await receiveTurn(ctx.deps, {
        channel: "slack",
        key: `command:${c.triggerId}`,
        kind: "command",
        account: c.teamKey,
        payload: { ...c },
      });
      if (r.outcome === "taken-over") return resumeTurn(ctx, r.turn);
      if (r.outcome !== "new") return;
      turn = r.turn;
    }
    const mine = turn;
    await ctx.tasks.limit(() => answerCommand(ctx, mine, c, false));
  });
}
