import type { App, RespondFn } from "@slack/bolt";
import type { IntentArgs } from "../../../core/intents/intent.js";
import { asAppError } from "../../../core/kernel/errors.js";
import { afterAck, type SlackContext, slackCode, teamKeyOf, toIntent } from "../context.js";
import { actorForSlackUser } from "../people.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { commandToIntent, isPrivateCommand, SLASH_COMMANDS } from "../to-intent.js";

const COMMAND_RE = new RegExp(`^(${SLASH_COMMANDS.map((c) => c.replace("/", "\\/")).join("|")})$`);
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
 * else is acked empty at once and answered through response_url when the dispatcher is done.
 */
export function registerCommands(app: App, ctx: SlackContext): void {
  app.command(COMMAND_RE, async ({ command, ack, respond, context }) => {
    const args: IntentArgs = commandToIntent(command.command, command.text);
    if (args.kind === "usage.error") {
      await ack({ response_type: "ephemeral", text: escapeMrkdwn(slackUsage(args.message)) });
      return;
    }
    await ack();
    await afterAck();
    const log = ctx.log.child({ command: command.command, kind: args.kind });
    await ctx.tasks.limit(async () => {
      try {
        const ws = await ctx.workspaces.resolve(teamKeyOf(context));
        await ctx.workspaces.rememberChannel(command.channel_id, ws.teamKey);
        const actor = await actorForSlackUser(ctx.deps, ws, command.user_id);
        const reply = await ctx.dispatcher.dispatch(
          toIntent(args, actor, command.channel_id, `slack:cmd:${command.trigger_id}`),
        );
        const ephemeral =
          Boolean(reply.ephemeral) || isPrivateCommand(command.command, command.text) || args.kind === "help";
        const { messages } = await ctx.adapter.prepare(reply, ws.teamKey);
        for (const m of messages)
          await respond({
            response_type: ephemeral ? "ephemeral" : "in_channel",
            text: m.text,
            blocks: m.blocks,
          });
      } catch (err) {
        log.error({ err, code: slackCode(err) }, "slack command failed");
        await sorry(respond, err);
      }
    });
  });
}

async function sorry(respond: RespondFn, err: unknown): Promise<void> {
  const e = asAppError(err);
  await respond({
    response_type: "ephemeral",
    text: e.code === "internal" ? "Sorry, something went wrong; it has been logged." : e.userMessage,
  }).catch(() => {});
}
