import type { App } from "@slack/bolt";
import { type InboundTurnRow, receiveTurn } from "../../../core/features/inbox/index.js";
import { afterAck, type SlackContext, teamKeyOf } from "../context.js";
import { answerMessage, type IncomingMessage, incomingMessage, resumeTurn, shedMessage } from "../turns.js";
import { handleFileMessage, type SlackFile } from "./onboarding.js";

export { type IncomingMessage, THINKING_TEXT } from "../turns.js";

/**
 * Mentions and DMs. Over HTTP the receiver has already recorded the turn in the inbox before the
 * ack (and passes it in the context); in Socket Mode it is recorded here. A full queue sheds the
 * turn ("busy", answered later from the inbox). Then: a "thinking…"
 * placeholder in the thread, dispatch, and the placeholder becomes the answer. The thread is the
 * conversation: conversationId = channel, threadId = thread root ts.
 */
export async function handleMessage(
  ctx: SlackContext,
  m: IncomingMessage,
  turn?: InboundTurnRow,
): Promise<void> {
  await afterAck();
  let t = turn;
  if (!t) {
    const r = await receiveTurn(ctx.deps, {
      channel: "slack",
      key: `event:${m.eventId}`,
      kind: "message",
      account: m.teamKey,
      payload: { ...m },
    });
    if (r.outcome === "taken-over") return resumeTurn(ctx, r.turn);
    if (r.outcome !== "new") {
      ctx.log.info({ eventId: m.eventId, outcome: r.outcome }, "slack event already processed");
      return;
    }
    t = r.turn;
  }
  const mine = t;
  const slot = ctx.tasks.reserve(m.user);
  if (!slot) return shedMessage(ctx, mine, m);
  await slot.run(() => answerMessage(ctx, mine, m, false));
}

/** app_mention in channels and message.im in DMs (no edits, no bots, no other subtypes); CSV files in DMs. */
export function registerConversation(app: App, ctx: SlackContext): void {
  const listener = async ({
    event,
    body,
    context,
  }: {
    event: unknown;
    body: unknown;
    context: Record<string, unknown>;
  }) => {
    const eventId = (body as { event_id: string }).event_id;
    const e = event as {
      type?: string;
      channel_type?: string;
      subtype?: string;
      bot_id?: string;
      user?: string;
      channel: string;
      ts: string;
      files?: SlackFile[];
    };
    if (
      e.type === "message" &&
      e.channel_type === "im" &&
      e.subtype === "file_share" &&
      e.files?.length &&
      e.user &&
      !e.bot_id
    ) {
      await handleFileMessage(ctx, {
        eventId,
        teamKey: teamKeyOf(context),
        channel: e.channel,
        user: e.user,
        ts: e.ts,
        files: e.files,
      });
      return;
    }
    const m = incomingMessage(event, eventId, teamKeyOf(context));
    if (!m) return;
    await handleMessage(ctx, m, context.inboxTurn as InboundTurnRow | undefined);
  };
  app.event("app_mention", listener);
  app.event("message", listener);
}
