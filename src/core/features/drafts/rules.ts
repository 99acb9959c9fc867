import { and, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { drafts } from "../../infra/db/schema/index.js";
import { plural } from "../../kernel/text.js";
import type { DraftRow } from "./repository.js";

/**
 * The draft rules, in one place: no drafts for closed subjects (unless the user insists), one
 * pending draft per (subject, purpose), a "recently sent" guard, and customer text that never
 * quotes internal notes. Use cases and sweeps call these; none re-implements them.
 */

export interface SubjectRef {
  type: "deal" | "invoice";
  id: string;
  /** Purpose of the draft: "followup" (deals) or "reminder" (invoices). */
  kind: string;
}

/** Why a subject is closed to drafting, or null. Won/lost deals, paid or void invoices. */
export function closedReason(
  s:
    | { type: "deal"; name: string; status: string; stageName: string }
    | { type: "invoice"; number: string; status: string; outstandingMinor: number },
): string | null {
  if (s.type === "deal")
    return s.status === "open" ? null : `${s.name} is closed (${s.status === "won" ? "won" : "lost"})`;
  if (s.status === "void") return `invoice ${s.number} is void`;
  if (s.status === "paid" || s.outstandingMinor <= 0) return `invoice ${s.number} is paid`;
  return null;
}

/**
 * Serialises draft creation per subject until the transaction ends, so two concurrent `remind X`
 * cannot both find "no pending draft" and insert one each.
 */
export async function lockSubject(tx: Tx, subjectId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`draft:${subjectId}`}, 0))`);
}

/** The pending (drafted/edited) draft for this subject and purpose, if any. */
export async function pendingFor(tx: Tx, s: SubjectRef): Promise<DraftRow | undefined> {
  const [row] = await tx
    .select()
    .from(drafts)
    .where(
      and(
        eq(drafts.subjectType, s.type),
        eq(drafts.subjectId, s.id),
        eq(drafts.kind, s.kind),
        inArray(drafts.status, ["drafted", "edited"]),
      ),
    )
    .orderBy(desc(drafts.createdAt))
    .limit(1);
  return row;
}

/**
 * The latest other draft about this subject that was sent, or is on its way (approved/scheduled),
 * within `hours` before `now`: sending again that soon needs a confirmation.
 */
export async function recentlySent(
  tx: Tx,
  s: Omit<SubjectRef, "kind">,
  now: Date,
  hours: number,
  exceptId?: string,
): Promise<{ seq: number; at: Date; status: string } | undefined> {
  if (hours <= 0) return undefined;
  const since = new Date(now.getTime() - hours * 3_600_000);
  const [row] = await tx
    .select({ seq: drafts.seq, at: drafts.decidedAt, status: drafts.status })
    .from(drafts)
    .where(
      and(
        eq(drafts.subjectType, s.type),
        eq(drafts.subjectId, s.id),
        inArray(drafts.status, ["approved", "scheduled", "sent"]),
        gt(drafts.decidedAt, since),
        ...(exceptId ? [ne(drafts.id, exceptId)] : []),
      ),
    )
    .orderBy(desc(drafts.decidedAt))
    .limit(1);
  return row?.at ? { seq: row.seq, at: row.at, status: row.status } : undefined;
}

const norm = (t: string) => t.toLowerCase().replace(/\s+/g, " ").trim();

/**
 * The first internal text (next step, note) quoted in a customer-facing text, or null. Phrases shorter
 * than 12 characters ("call") are too common to count as a quote.
 */
export function quotedInternal(
  text: string,
  internal: readonly (string | null | undefined)[],
): string | null {
  const hay = norm(text);
  for (const raw of internal) {
    if (!raw) continue;
    const phrase = norm(raw).replace(/[.!]+$/, "");
    if (phrase.length >= 12 && hay.includes(phrase)) return raw;
  }
  return null;
}

/** "3 h", "2 days": how long ago, for people. */
export function ago(from: Date, now: Date): string {
  const h = (now.getTime() - from.getTime()) / 3_600_000;
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${plural(Math.round(h / 24), "day")}`;
}
