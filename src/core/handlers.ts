import type { Deps } from "./deps.js";
import { requirePermission } from "./features/auth/index.js";
import { dealShowReply, dealsListReply } from "./features/deals/index.js";
import {
  approveDraft,
  createDraft,
  draftHistoryReply,
  editDraft,
  listDraftsReply,
  rejectDraft,
} from "./features/drafts/index.js";
import { overdueInvoicesReply } from "./features/invoices/index.js";
import { setRoleReply } from "./features/tenancy/index.js";
import type { HandlerMap } from "./intents/dispatcher.js";
import { helpReply } from "./intents/help.js";

const need = requirePermission;

/** The handlers of the features in core, keyed by intent kind. The composition root merges in more. */
export function coreHandlers(): HandlerMap {
  return {
    help: async (_deps, i) => helpReply(i.origin.channel),
    unknown: async (_deps, i) => helpReply(i.origin.channel, i.suggestion, i.text),
    "usage.error": async (_deps, i) => ({
      text: i.message,
      ephemeral: true,
      meta: { usageError: i.command },
    }),
    "deals.list": async (deps, i, actor) => {
      need(actor, "deals.read");
      return dealsListReply(deps, actor, i);
    },
    "deal.show": async (deps, i, actor) => {
      need(actor, "deals.read");
      return dealShowReply(deps, actor, i.query);
    },
    "invoices.overdue": async (deps, _i, actor) => {
      need(actor, "invoices.read");
      return overdueInvoicesReply(deps, actor);
    },
    "draft.create": async (deps: Deps, i, actor) =>
      createDraft(deps, actor, i.query, {
        channel: i.origin.channel,
        address: i.origin.conversationId,
        threadId: i.origin.threadId,
      }),
    "draft.approve": async (deps, i, actor) => (await approveDraft(deps, actor, i.draftRef)).reply,
    "draft.reject": async (deps, i, actor) => rejectDraft(deps, actor, i.draftRef, i.reason),
    "draft.edit": async (deps, i, actor) => editDraft(deps, actor, i.draftRef, i.body),
    "drafts.list": async (deps, _i, actor) => listDraftsReply(deps, actor),
    "draft.history": async (deps, i, actor) => draftHistoryReply(deps, actor, i.draftRef),
    "settings.role": async (deps, i, actor) => setRoleReply(deps, actor, i.origin.channel, i.user, i.role),
  };
}
