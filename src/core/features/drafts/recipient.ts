import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { contacts, deals, invoices } from "../../infra/db/schema/index.js";

export interface DraftTarget {
  channel: string;
  address: string;
  threadId?: string;
}

/**
 * Where a customer message goes. `customer`: the contact's email (an email channel is configured);
 * `no_address`: an email channel exists but nobody on file has an address — the approver gets the
 * text to forward; `no_channel`: this installation cannot email, so drafts go back to the chat.
 */
export type Recipient =
  | { kind: "customer"; target: DraftTarget; contactName: string }
  | { kind: "no_address"; contactName: string | null; customer: string }
  | { kind: "no_channel" };

/**
 * The one recipient lookup, used by chat (`remind …`) and by the overdue / stuck-deal sweeps, so
 * the same reminder never goes to two addresses. An invoice's contact is the invoice's own contact,
 * else its deal's contact, else a contact of the customer company; a deal's is the deal's contact.
 */
export async function resolveRecipient(
  tx: Tx,
  emailEnabled: boolean,
  subject: { kind: "deal" | "invoice"; id: string },
): Promise<Recipient> {
  if (!emailEnabled) return { kind: "no_channel" };
  const rows =
    subject.kind === "deal"
      ? await tx
          .select({
            name: contacts.name,
            email: contacts.email,
            customer: sql<string>`coalesce(${deals.company}, ${deals.name})`,
          })
          .from(deals)
          .leftJoin(contacts, eq(contacts.id, deals.contactId))
          .where(eq(deals.id, subject.id))
          .limit(1)
      : await tx
          .select({ name: contacts.name, email: contacts.email, customer: invoices.customer })
          .from(invoices)
          .leftJoin(deals, eq(deals.id, invoices.dealId))
          .leftJoin(
            contacts,
            sql`${contacts.id} = coalesce(${invoices.contactId}, ${deals.contactId}, (
              select c.id from contacts c where lower(c.company) = lower(${invoices.customer})
              order by (c.email is null), c.created_at limit 1))`,
          )
          .where(eq(invoices.id, subject.id))
          .limit(1);
  const r = rows[0];
  if (r?.email?.includes("@"))
    return {
      kind: "customer",
      target: { channel: "email", address: r.email },
      contactName: r.name ?? r.customer,
    };
  return { kind: "no_address", contactName: r?.name ?? null, customer: r?.customer ?? "this customer" };
}

/** The line shown on a draft about where it goes; never silent about a missing address. */
export function recipientNote(r: Recipient): string | null {
  if (r.kind === "no_address")
    return `No email address on file for ${r.contactName ?? r.customer}: once approved, the text is posted here for you to forward.`;
  return null;
}
