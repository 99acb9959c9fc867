import { defineFeature } from "../../intents/feature.js";
import { draftCreateReply } from "./draft-request.js";
import { approveDraft, draftHistoryReply, editDraft, listDraftsReply, rejectDraft } from "./use-cases.js";

/**
 * Drafted follow-ups and reminders and their approval. Who may approve, reject or edit one draft is a
 * per-draft rule (`canApproveDraft`), applied by the use cases on top of the role check here.
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
      handle: async (deps, i, actor) => (await approveDraft(deps, actor, i.draftRef)).reply,
    },
    "draft.reject": {
      permission: "anyone",
      handle: (deps, i, actor) => rejectDraft(deps, actor, i.draftRef, i.reason),
    },
    "draft.edit": {
      permission: "anyone",
      handle: (deps, i, actor) => editDraft(deps, actor, i.draftRef, i.body),
    },
    "drafts.list": { permission: "anyone", handle: (deps, _i, actor) => listDraftsReply(deps, actor) },
    "draft.history": {
      permission: "anyone",
      handle: (deps, i, actor) => draftHistoryReply(deps, actor, i.draftRef),
    },
  },
  commands: [
    { name: "remind", usage: "remind DEAL|INVOICE", summary: "draft a follow-up for approval" },
    { name: "drafts", usage: "drafts [history N]", summary: "pending drafts, or one draft's audit trail" },
    { name: "approve", usage: "approve N", summary: "approve draft N" },
    { name: "reject", usage: "reject N [reason]", summary: "reject draft N" },
    { name: "edit", usage: "edit N NEW TEXT", summary: "replace the text of draft N" },
  ],
});
