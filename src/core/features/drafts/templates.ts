import { formatMoney } from "../../kernel/format.js";

/** Templated texts, used without an LLM and as the fallback when drafting by model fails. */
export function dealFollowUpTemplate(d: {
  name: string;
  company: string | null;
  stageName: string;
  nextStep: string | null;
  ownerName: string | null;
}): {
  subject: string;
  body: string;
} {
  const who = d.company ?? d.name;
  return {
    subject: `Following up: ${d.name}`,
    body: [
      `Hi ${who} team,`,
      "",
      `I wanted to follow up on ${d.name}, currently at the "${d.stageName}" step.`,
      d.nextStep
        ? `The next step on our side is: ${d.nextStep}. Could you let us know if anything is needed from you?`
        : "Is there anything you need from us to move forward?",
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
      `This is a friendly reminder that invoice ${i.number} for ${formatMoney(i.outstandingMinor, i.currency)} was due on ${i.dueOn} (${i.daysOverdue} days ago).`,
      "If it has already been paid, please disregard this message. Otherwise we would be grateful for payment at your earliest convenience.",
      "",
      "Kind regards,",
      "Accounts",
    ].join("\n"),
  };
}
