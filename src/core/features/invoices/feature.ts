import { defineFeature } from "../../intents/feature.js";
import { overdueInvoicesReply } from "./invoices.js";

/** Receivables: overdue invoices with amounts and days late. */
export const invoicesFeature = defineFeature({
  name: "invoices",
  intents: {
    "invoices.overdue": {
      permission: "invoices.read",
      handle: (deps, _i, actor) => overdueInvoicesReply(deps, actor),
    },
  },
  commands: [
    {
      name: "invoices",
      usage: "invoices overdue",
      summary: "overdue invoices with amounts and days late",
      aliases: ["overdue"],
    },
  ],
});
