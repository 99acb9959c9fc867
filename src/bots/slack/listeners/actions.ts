import type { App, BlockAction, ButtonAction, RespondFn } from "@slack/bolt";
import type { KnownBlock } from "@slack/web-api";
import { isSetback, type Reply } from "../../../core/ports/reply.js";
import { loadActionRef, saveActionRef } from "../action-refs.js";
import { afterAck, type SlackContext, slackCode, teamKeyOf, toIntent } from "../context.js";
import { actorForSlackUser, NotMemberError } from "../people.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import type { Workspace } from "../workspaces.js";
import { editModal } from "./edit-modal.js";
import { publishHome } from "./home.js";

/** Intents that decide something: the original message is updated to show who decided and when. */
const DECISIONS = new Set([
  "draft.approve",
  "draft.reject",
  "goal.accept",
  "import.confirm",
  "import.cancel",
  "member.admit",
]);
const CLICK_LOCK_MS = 5_000;

/** The message without its buttons, plus a line saying who decided, when, and what happened. */
export function decidedBlocks(
  original: KnownBlock[] | undefined,
  userId: string,
  at: Date,
  outcome: string,
): KnownBlock[] {
  const kept = (original ?? []).filter((b) => b.type !== "actions");
  const unix = Math.floor(at.getTime() / 1000);
  const when = `<!date^${unix}^{date_short_pretty} at {time}|${at.toISOString()}>`;
  return [
    ...kept,
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `✅ <@${userId}> · ${when} — ${escapeMrkdwn(outcome)}` }],
    },
  ];
}

/**
 * Button clicks: the value is a reference to an intent kept server-side. Unknown/expired/foreign
 * references and refusals are answered ephemerally; a second click by the same person while the
 * first is running is dropped; decisions replace the original message.
 */
export function registerActions(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(/^keel:/, async ({ ack, body, action, respond, context }) => {
    await ack();
    await afterAck();
    const log = ctx.log.child({ action: action.action_id });
    // A click in the App Home tab has no channel and no response_url (Bolt then gives no `respond`):
    // answers go to the person's DM and the Home view is published again.
    const fromHome = body.container?.type === "view" || body.view?.type === "home";
    const user = body.user.id;
    let ws: Workspace | undefined;
    const tell = async (text: string) => {
      if (typeof respond === "function" && body.response_url) await ephemeral(respond, text);
      else if (ws)
        await ws.client.chat.postMessage({ channel: user, text: escapeMrkdwn(text) }).catch(() => {});
    };
    try {
      ws = await ctx.workspaces.resolve(teamKeyOf(context));
      const stored = await loadActionRef(ctx.deps.store, action.value, ws.teamKey);
      if (!stored) {
        await tell("This button has expired. Ask again to get a fresh one.");
        return;
      }
      if (
        !(await ctx.deps.store.set(`slack:click:${action.value}:${user}`, "1", {
          nx: true,
          ttlMs: CLICK_LOCK_MS,
        }))
      ) {
        log.info("duplicate click ignored");
        return;
      }
      const channel = body.channel?.id ?? body.container?.channel_id ?? "";
      // The conversation of a Home click is the person's DM with Keel (Slack addresses it by user id).
      const conversation = channel || user;
      const messageTs = body.message?.ts ?? body.container?.message_ts;
      const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
      const actor = await actorForSlackUser(ctx.deps, ws, user);
      const args = stored.intent;
      const intent = toIntent(args, actor, conversation, `slack:act:${body.trigger_id}`, threadTs);
      if (args.kind === "draft.edit") {
        // The current text comes from the core (which also refuses people who may not edit).
        const reply = await ctx.dispatcher.dispatch(intent);
        if (reply.outcome?.kind !== "awaiting-edit") {
          await tell(reply.text);
          return;
        }
        const submitRef = await saveActionRef(ctx.deps.store, {
          teamId: ws.teamKey,
          intent: { kind: "draft.edit", draftRef: args.draftRef },
          label: "edit",
          context: fromHome
            ? { home: true }
            : { channel, messageTs, threadTs, responseUrl: body.response_url },
        });
        await ws.client.views.open({
          trigger_id: body.trigger_id,
          view: editModal(submitRef, reply.outcome.currentBody),
        });
        return;
      }
      const reply: Reply = await ctx.dispatcher.dispatch(intent);
      if (fromHome) {
        // Whatever happened (decided, refused, already decided), the person reads it in their DM
        // and sees a fresh Home view without the draft's stale buttons.
        const { messages } = await ctx.adapter.prepare(reply, ws.teamKey);
        for (const m of messages)
          await ws.client.chat.postMessage({ channel: user, text: m.text, blocks: m.blocks });
        await publishHome(ctx, ws, user, `click:${body.trigger_id}`);
        return;
      }
      if (reply.ephemeral || isSetback(reply)) {
        await tell(reply.text);
        return;
      }
      if (DECISIONS.has(args.kind) && reply.outcome?.kind === "decided") {
        const blocks = decidedBlocks(
          body.message?.blocks as KnownBlock[] | undefined,
          user,
          ctx.deps.clock.now(),
          reply.text,
        );
        await respond({ replace_original: true, text: reply.text, blocks });
        return;
      }
      if (DECISIONS.has(args.kind) && !reply.actions?.length) {
        // Already decided by someone else, expired, …: tell the clicker only.
        await tell(reply.text);
        return;
      }
      if (channel && !channel.startsWith("D") && messageTs)
        await ctx.adapter.post(ws, { channel, threadTs: threadTs ?? messageTs }, reply);
      else {
        const { messages } = await ctx.adapter.prepare(reply, ws.teamKey);
        for (const m of messages)
          await respond({
            replace_original: false,
            response_type: "in_channel",
            text: m.text,
            blocks: m.blocks,
          });
      }
    } catch (err) {
      if (err instanceof NotMemberError) {
        await tell(err.userMessage);
        return;
      }
      log.error({ err, code: slackCode(err) }, "slack action failed");
      await tell("Sorry, something went wrong; it has been logged.");
    }
  });
}

async function ephemeral(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, text: escapeMrkdwn(text) }).catch(
    () => {},
  );
}
