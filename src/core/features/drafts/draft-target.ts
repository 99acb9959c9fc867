import { and, eq, isNotNull } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { contacts, deals, invoices } from "../../infra/db/schema/index.js";
import type { DraftTarget } from "./use-cases.js";

/**
 * Where a follow-up goes: by email to the customer contact when an email channel is configured and
 * the contact has an address; otherwise back to the conversation that asked (the approver forwards).
 */
export function emailTargetFor(deps: Deps, tenantId: string) {
  return async (s: { kind: "deal" | "invoice"; id: string }): Promise<DraftTarget | null> => {
    if (!deps.channels.has("email")) return null;
    const email = await deps.db.tenantTx(tenantId, async (tx) => {
      if (s.kind === "deal") {
        const [r] = await tx
          .select({ email: contacts.email })
          .from(deals)
          .innerJoin(contacts, eq(contacts.id, deals.contactId))
          .where(and(eq(deals.id, s.id), isNotNull(contacts.email)))
          .limit(1);
        return r?.email ?? null;
      }
      const [r] = await tx
        .select({ email: contacts.email })
        .from(invoices)
        .innerJoin(contacts, eq(contacts.company, invoices.customer))
        .where(and(eq(invoices.id, s.id), isNotNull(contacts.email)))
        .limit(1);
      return r?.email ?? null;
    });
    return email ? { channel: "email", address: email } : null;
  };
}
