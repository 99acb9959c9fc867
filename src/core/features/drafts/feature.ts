import { defineFeature } from "../../intents/feature.js";
import { approveDraft, editDraft, rejectDraft } from "./decide.js";
import { draftCreateReply } from "./draft-request.js";
import { draftHistoryReply, listDraftsReply } from "./views.js";

/**
 * Drafted follow-ups and reminders and their approval. Who may approve, reject or edit one draft is
 * decided per draft by the tenant's approval policy (approval-policy.ts), inside the use cases, with
 * the channel the decision comes from; the role check here only gates drafting.
 */
export const draftsFeature = defineFeature({
  name: "drafts",
  intents: {
    "draft.create": {
      permission: "draft.create",
      refusal: "A {role} cannot create drafts.",
      handle: (deps, i, actor) => draftCreateReply(deps, actor, i.origin, i),
    },
    "draft.approve": {
      permission: "anyone",
      handle: async (deps, i, actor) =>
        (await approveDraft(deps, actor, i.draftRef, { via: i.origin.channel, confirm: i.confirm })).reply,
    },
    "draft.reject": {
      permission: "anyone",
      handle: (deps, i, actor) => rejectDraft(deps, actor, i.draftRef, i.reason, { via: i.origin.channel }),
    },
    "draft.edit": {
      permission: "anyone",
      handle: (deps, i, actor) => editDraft(deps, actor, i.draftRef, i.body, { via: i.origin.channel }),
    },
    "drafts.list": {
      permission: "anyone",
      handle: (deps, i, actor) => listDraftsReply(deps, actor, i.origin.channel),
    },
    "draft.history": {
      permission: "anyone",
      handle: (deps, i, actor) => draftHistoryReply(deps, actor, i.draftRef),
    },
  },
  commands: [
    { name: "remind", usage: "remind DEAL|INVOICE [anyway]", summary: "draft a follow-up for approval" },
    { name: "drafts", usage: "drafts [history N]", summary: "pending drafts, or one draft's audit trail" },
    { name: "approve", usage: "approve N", summary: "approve draft N" },
    { name: "reject", usage: "reject N [reason]", summary: "reject draft N" },
    { name: "edit", usage: "edit N NEW TEXT", summary: "replace the text of draft N" },
  ],
});
