import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";

/**
 * The fields of a deal a customer may read. Stage names, next steps and notes are internal: they
 * reach the writer as context only, and no template takes them (the type is the guard).
 */
export interface CustomerDealFacts {
  name: string;
  company: string | null;
  ownerName: string | null;
}

export function customerDealFacts(d: CustomerDealFacts): CustomerDealFacts {
  return { name: d.name, company: d.company, ownerName: d.ownerName };
}

/** Templated texts, used without an LLM and as the fallback when drafting by model fails. */
export function dealFollowUpTemplate(d: CustomerDealFacts): {
  subject: string;
  body: string;
} {
  const who = d.company ?? d.name;
  return {
    subject: `Following up: ${d.name}`,
    body: [
      `Hi ${who} team,`,
      "",
      `I wanted to follow up on ${d.name}. Is there anything you need from us to move forward, or a good time to talk this week?`,
      "",
      `Best regards,`,
      d.ownerName ?? "The team",
    ].join("\n"),
  };
}

export function invoiceReminderTemplate(i: {
  number: string;
  customer: string;
  outstandingMinor: number;
  currency: string;
  dueOn: string;
  daysOverdue: number;
}): {
  subject: string;
  body: string;
} {
  return {
    subject: `Payment reminder: invoice ${i.number}`,
    body: [
      `Hello ${i.customer},`,
      "",
      `This is a friendly reminder that invoice ${i.number} for ${formatMoney(i.outstandingMinor, i.currency)} was due on ${i.dueOn} (${plural(i.daysOverdue, "day")} ago).`,
      "If it has already been paid, please disregard this message. Otherwise we would be grateful for payment at your earliest convenience.",
      "",
      "Kind regards,",
      "Accounts",
    ].join("\n"),
  };
}
