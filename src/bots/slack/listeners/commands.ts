import type { App } from "@slack/bolt";
import { type InboundTurnRow, receiveTurn } from "../../../core/features/inbox/index.js";
import { afterAck, type SlackContext, teamKeyOf } from "../context.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { commandToIntent, SLASH_COMMANDS } from "../to-intent.js";
import { answerCommand, BUSY_TEXT, COMMAND_RE, incomingCommand, resumeTurn, shedTurn } from "../turns.js";

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
 * response_url — at most 5 posts, the rest through the Web API — when the dispatcher is done. With
 * the queue full, the ack says "busy, queued" and the inbox answers the command later.
 */
export function registerCommands(app: App, ctx: SlackContext): void {
  app.command(COMMAND_RE, async ({ command, ack, body, context }) => {
    const args = commandToIntent(command.command, command.text);
    if (args.kind === "usage.error") {
      await ack({ response_type: "ephemeral", text: escapeMrkdwn(slackUsage(args.message)) });
      return;
    }
    // The queue is asked before the ack, so a full one is answered "busy" in the ack itself.
    const slot = ctx.tasks.reserve(command.user_id);
    await ack(slot ? undefined : { response_type: "ephemeral", text: BUSY_TEXT });
    await afterAck();
    const c = incomingCommand(body as unknown as Record<string, unknown>);
    if (!c) return slot?.cancel();
    c.teamKey = teamKeyOf(context);
    let turn = context.inboxTurn as InboundTurnRow | undefined;
    if (!turn) {
      const r = await receiveTurn(ctx.deps, {
        channel: "slack",
        key: `command:${c.triggerId}`,
        kind: "command",
        account: c.teamKey,
        payload: { ...c },
      }).catch((err) => {
        slot?.cancel();
        throw err;
      });
      if (r.outcome !== "new") slot?.cancel();
      if (r.outcome === "taken-over") return resumeTurn(ctx, r.turn);
      if (r.outcome !== "new") return;
      turn = r.turn;
    }
    const mine = turn;
    // Told in the ack already; the inbox answers it later.
    if (!slot) return shedTurn(ctx, mine, { channel: c.channelId, user: c.userId }, async () => {});
    await slot.run(() => answerCommand(ctx, mine, c, false));
  });
}
