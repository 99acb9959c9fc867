import { defineFeature } from "../../intents/feature.js";
import { chaseOverdue } from "./chase.js";

/** Collections: overdue invoices ranked by cash impact, drafted as reminders for approval in one batch. */
export const collectionsFeature = defineFeature({
  name: "collections",
  intents: {
    "collections.chase": {
      permission: "collections.chase",
      refusal:
        "Chasing invoices is for finance and the owner; your role ({role}) cannot draft collection reminders.",
      handle: (deps, i, actor) => chaseOverdue(deps, actor, i.origin, { limit: i.limit }),
    },
  },
  commands: [
    {
      name: "collections",
      usage: "collections [N]  (or: chase the overdue invoices)",
      summary: "overdue invoices by cash impact, each drafted as a reminder for approval",
      aliases: ["chase"],
    },
  ],
});
