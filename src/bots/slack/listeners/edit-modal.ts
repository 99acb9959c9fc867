import type { App } from "@slack/bolt";
import type { ModalView } from "@slack/web-api";
import type { IntentArgs } from "../../../core/intents/intent.js";
import { isSetback } from "../../../core/ports/reply.js";
import { loadActionRef } from "../action-refs.js";
import { afterAck, type SlackContext, slackCode, teamKeyOf, toIntent } from "../context.js";
import { actorForSlackUser } from "../people.js";
import { publishHome } from "./home.js";

export const EDIT_CALLBACK_ID = "keel_edit_draft";
const BLOCK = "body";
const INPUT = "text";
/** plain_text_input max_length. */
const MAX_BODY = 3000;

/** The edit modal, prefilled with the draft's current text; private_metadata is a server-side reference. */
export function editModal(ref: string, body: string): ModalView {
  return {
    type: "modal",
    callback_id: EDIT_CALLBACK_ID,
    private_metadata: ref,
    title: { type: "plain_text", text: "Edit draft" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: BLOCK,
        label: { type: "plain_text", text: "Message" },
        element: {
          type: "plain_text_input",
          action_id: INPUT,
          multiline: true,
          initial_value: body.slice(0, MAX_BODY),
          max_length: MAX_BODY,
        },
        hint: { type: "plain_text", text: "Nothing is sent until someone approves it." },
      },
    ],
  };
}

/**
 * Modal submit → `draft.edit` with the new text (the core records the diff); the original message is
 * replaced with the updated draft and fresh buttons.
 */
export function registerEditModal(app: App, ctx: SlackContext): void {
  app.view(EDIT_CALLBACK_ID, async ({ ack, body, view, context }) => {
    const text = view.state.values[BLOCK]?.[INPUT]?.value ?? "";
    if (!text.trim()) {
      await ack({ response_action: "errors", errors: { [BLOCK]: "Write the new text of the message." } });
      return;
    }
    await ack();
    await afterAck();
    try {
      const ws = await ctx.workspaces.resolve(teamKeyOf(context) ?? body.team?.id);
      const stored = await loadActionRef(ctx.deps.store, view.private_metadata, ws.teamKey);
      if (stored?.intent.kind !== "draft.edit") return;
      const actor = await actorForSlackUser(ctx.deps, ws, body.user.id);
      const where = stored.context ?? {};
      const args: IntentArgs = { kind: "draft.edit", draftRef: stored.intent.draftRef, body: text };
      const reply = await ctx.dispatcher.dispatch(
        toIntent(
          args,
          actor,
          where.channel || body.user.id,
          `slack:view:${view.id}:${view.hash}`,
          where.threadTs,
        ),
      );
      if (reply.ephemeral || isSetback(reply)) {
        if (where.home) await ws.client.chat.postMessage({ channel: body.user.id, text: reply.text });
        else if (where.channel)
          await ws.client.chat.postEphemeral({
            channel: where.channel,
            user: body.user.id,
            text: reply.text,
          });
        return;
      }
      const { messages } = await ctx.adapter.prepare(reply, ws.teamKey);
      const first = messages[0]!;
      if (where.home) {
        // Edited from the Home tab: the updated draft goes to the person's DM, the view is refreshed.
        await ws.client.chat.postMessage({ channel: body.user.id, text: first.text, blocks: first.blocks });
        await publishHome(ctx, ws, body.user.id, `edit:${view.id}:${view.hash}`);
      } else if (where.responseUrl) {
        await fetch(where.responseUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ replace_original: true, text: first.text, blocks: first.blocks }),
        });
      } else if (where.channel && where.messageTs) {
        await ws.client.chat.update({
          channel: where.channel,
          ts: where.messageTs,
          text: first.text,
          blocks: first.blocks,
        });
      }
    } catch (err) {
      ctx.log.error({ err, code: slackCode(err) }, "slack edit submit failed");
    }
  });
}
