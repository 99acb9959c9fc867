import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps.js";
import type { Tx } from "../../core/infra/db/client.js";
import { outbox, whatsappContacts } from "../../core/infra/db/schema/index.js";
import { toDigits } from "./phone.js";

/** Customer service window length (Cloud API): free-form messages only within 24 h of the contact's last message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

/** Records the contact's latest inbound message time (in the caller's transaction). */
export async function recordInbound(
  tx: Tx,
  row: { tenantId: string; account: string; contact: string; at: Date },
): Promise<void> {
  await tx
    .insert(whatsappContacts)
    .values({
      tenantId: row.tenantId,
      account: row.account,
      contact: row.contact,
      lastInboundAt: row.at,
      updatedAt: row.at,
    })
    .onConflictDoUpdate({
      target: [whatsappContacts.tenantId, whatsappContacts.account, whatsappContacts.contact],
      set: {
        lastInboundAt: sql`greatest(${whatsappContacts.lastInboundAt}, excluded.last_inbound_at)`,
        updatedAt: row.at,
      },
    });
  // The window is open again: messages held for this contact become due now.
  const digits = toDigits(row.contact);
  await tx
    .update(outbox)
    .set({ nextAttemptAt: row.at })
    .where(
      and(
        eq(outbox.status, "pending"),
        sql`${outbox.lastError} like 'held:%'`,
        sql`${outbox.target}->>'channel' = 'whatsapp'`,
        sql`regexp_replace(${outbox.target}->>'address', '[^0-9]', '', 'g') = ${digits}`,
      ),
    );
}

/** When the contact last wrote to this business number, or null if never. */
export async function lastInboundAt(
  deps: Deps,
  tenantId: string,
  account: string,
  contact: string,
): Promise<Date | null> {
  const [row] = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select({ at: whatsappContacts.lastInboundAt })
      .from(whatsappContacts)
      .where(and(eq(whatsappContacts.account, account), eq(whatsappContacts.contact, contact)))
      .limit(1),
  );
  return row?.at ?? null;
}

/** Whether free-form messages may be sent to the contact now. */
export function windowOpen(last: Date | null, now: Date): boolean {
  return last !== null && now.getTime() - last.getTime() < SERVICE_WINDOW_MS;
}
