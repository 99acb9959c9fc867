import type { App } from "@slack/bolt";
import { afterAck, type SlackContext, slackCode, teamKeyOf, toIntent } from "../context.js";
import { claimEvent, finishEvent } from "../dedupe.js";
import { actorForSlackUser, NotMemberError } from "../people.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { messageToIntent } from "../to-intent.js";
import { handleFileMessage, type SlackFile, setupTurn } from "./onboarding.js";

export const THINKING_TEXT = "_thinking…_";

export interface IncomingMessage {
  eventId: string;
  teamKey?: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
}

/**
 * Mentions and DMs: claim the event id durably (retries and overlapping deliveries do nothing), post
 * a "thinking…" placeholder in the thread, dispatch, then edit the placeholder into the answer.
 * The thread is the conversation: conversationId = channel, threadId = thread root ts.
 */
export async function handleMessage(ctx: SlackContext, m: IncomingMessage): Promise<void> {
  await afterAck();
  await ctx.tasks.limit(() => turn(ctx, m));
}

async function turn(ctx: SlackContext, m: IncomingMessage): Promise<void> {
  const ws = await ctx.workspaces.resolve(m.teamKey);
  let claimed = false;
  try {
    claimed = await claimEvent(ctx.deps, ws.tenantId, m.eventId);
  } catch (err) {
    // Let Slack's retry try again rather than lose the message.
    await ctx.deps.store.del(`slack:event-seen:${m.eventId}`);
    throw err;
  }
  if (!claimed) {
    ctx.log.info({ eventId: m.eventId }, "slack event already processed");
    return;
  }
  await ctx.workspaces.rememberChannel(m.channel, ws.teamKey);
  const threadTs = m.threadTs ?? m.ts;
  const placeholder = await ctx.pacer.run(m.channel, () =>
    ws.client.chat.postMessage({ channel: m.channel, thread_ts: threadTs, text: THINKING_TEXT }),
  );
  const phTs = placeholder.ts!;
  try {
    const actor = await actorForSlackUser(ctx.deps, ws, m.user);
    const args = messageToIntent(m.text, ws.botUserId);
    const reply =
      (await setupTurn(ctx, ws, actor, m)) ??
      (await ctx.dispatcher.dispatch(toIntent(args, actor, m.channel, `slack:${m.eventId}`, threadTs)));
    if (reply.ephemeral && !m.channel.startsWith("D")) {
      await ws.client.chat.delete({ channel: m.channel, ts: phTs }).catch(() => {});
      const { messages } = await ctx.adapter.prepare(reply, ws.teamKey);
      for (const msg of messages)
        await ws.client.chat.postEphemeral({
          channel: m.channel,
          user: m.user,
          thread_ts: threadTs,
          text: msg.text,
          blocks: msg.blocks,
        });
      await finishEvent(ctx.deps, ws.tenantId, m.eventId, { ephemeral: true });
      return;
    }
    const ids = await ctx.adapter.update(ws, m.channel, phTs, reply, threadTs);
    await finishEvent(ctx.deps, ws.tenantId, m.eventId, { messages: ids });
  } catch (err) {
    // A stranger is told who can add them (NotMemberError); anything else is logged and apologised for.
    const known = err instanceof NotMemberError;
    if (known) ctx.log.info({ eventId: m.eventId }, "message from a non-member refused");
    else ctx.log.error({ err, code: slackCode(err), eventId: m.eventId }, "slack conversation turn failed");
    await ws.client.chat
      .update({
        channel: m.channel,
        ts: phTs,
        text: known ? escapeMrkdwn(err.userMessage) : "Sorry, something went wrong; it has been logged.",
      })
      .catch(() => {});
    await finishEvent(ctx.deps, ws.tenantId, m.eventId, { failed: true }).catch(() => {});
  }
}

/** app_mention in channels and message.im in DMs (no edits, no bots, no other subtypes). */
export function registerConversation(app: App, ctx: SlackContext): void {
  app.event("app_mention", async ({ event, body, context }) => {
    if (event.channel.startsWith("D") || !event.user || event.bot_id) return;
    await handleMessage(ctx, {
      eventId: (body as { event_id: string }).event_id,
      teamKey: teamKeyOf(context),
      channel: event.channel,
      user: event.user,
      text: event.text,
      ts: event.ts,
      threadTs: event.thread_ts,
    });
  });
  app.event("message", async ({ event, body, context }) => {
    const e = event as {
      channel_type?: string;
      subtype?: string;
      bot_id?: string;
      user?: string;
      text?: string;
      channel: string;
      ts: string;
      thread_ts?: string;
      files?: SlackFile[];
    };
    if (e.channel_type === "im" && e.subtype === "file_share" && e.files?.length && e.user && !e.bot_id) {
      await handleFileMessage(ctx, {
        eventId: (body as { event_id: string }).event_id,
        teamKey: teamKeyOf(context),
        channel: e.channel,
        user: e.user,
        ts: e.ts,
        files: e.files,
      });
      return;
    }
    if (e.channel_type !== "im" || e.subtype || e.bot_id || !e.user || !e.text) return;
    await handleMessage(ctx, {
      eventId: (body as { event_id: string }).event_id,
      teamKey: teamKeyOf(context),
      channel: e.channel,
      user: e.user,
      text: e.text,
      ts: e.ts,
      threadTs: e.thread_ts,
    });
  });
}
