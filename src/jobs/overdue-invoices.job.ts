import { overdueInvoices } from "../core/features/invoices/index.js";
import { formatMoney } from "../core/kernel/format.js";
import { bold } from "../core/kernel/markdown/index.js";
import { plural } from "../core/kernel/text.js";
import { sweepDrafts } from "./sweep-drafts.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/** Weekdays: overdue invoices → drafted payment reminders posted to the approvers. */
export const overdueInvoicesJob: JobDefinition = {
  name: "overdue-invoices",
  schedule: "45 6 * * 1-5",
  description: "Overdue-invoice sweep: drafted reminders posted to the approvers",
  async run(deps, ctx) {
    return forEachTenant(deps, ctx, "overdue-invoices", async (t) => {
      const overdue = await deps.db.tenantTx(t.id, (tx) => overdueInvoices(tx, ctx.now));
      const subjects = overdue
        .sort((a, b) => b.outstandingMinor - a.outstandingMinor)
        .map((i) => ({
          id: i.id,
          query: i.number,
          headline: `💸 Invoice ${bold(i.number)} (${i.customer}) is ${plural(i.daysOverdue, "day")} overdue with ${formatMoney(i.outstandingMinor, i.currency)} outstanding. I drafted a reminder; approve it to send.`,
        }));
      return sweepDrafts(deps, t.id, "overdue", subjects, ctx.now);
    });
  },
};
