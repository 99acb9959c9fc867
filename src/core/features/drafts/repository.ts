import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { draftEvents, drafts, users } from "../../infra/db/schema/index.js";
import type { DraftStatus } from "./state.js";

export type DraftRow = typeof drafts.$inferSelect;

/** Finds a draft by its short number ("12", "#12") or id; `lock` takes a row lock for the decision. */
export async function getDraft(tx: Tx, ref: string, lock = false): Promise<DraftRow | undefined> {
  const clean = ref.replace(/^#/, "");
  const where = /^\d+$/.test(clean)
    ? eq(drafts.seq, Number(clean))
    : /^[0-9a-f-]{36}$/i.test(clean)
      ? eq(drafts.id, clean)
      : undefined;
  if (!where) return undefined;
  const q = tx.select().from(drafts).where(where).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function insertDraft(
  tx: Tx,
  values: Omit<typeof drafts.$inferInsert, "seq">,
): Promise<DraftRow> {
  // Per-tenant short numbers; the unique index catches a concurrent insert (another replica's sweep
  // drafting for the same tenant), which takes the next number. The insert runs in a savepoint: a
  // failed statement aborts the whole transaction otherwise, and the retry could never run.
  for (let attempt = 0; ; attempt++) {
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${drafts.seq}), 0) + 1` })
      .from(drafts)) as [{ next: number }];
    try {
      return await tx.transaction(async (sp) => {
        const [row] = await sp
          .insert(drafts)
          .values({ ...values, seq: Number(next) })
          .returning();
        return row!;
      });
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/** The outbox delivered an approved draft: scheduled → sent, in the sending transaction. */
export async function markDraftSent(
  tx: Tx,
  tenantId: string,
  draftId: string,
  detail: { outboxId: string; messageIds: string[] },
  at: Date,
): Promise<void> {
  await tx
    .update(drafts)
    .set({ status: "sent", updatedAt: at })
    .where(and(eq(drafts.id, draftId), eq(drafts.status, "scheduled")));
  await recordEvent(tx, { id: draftId, tenantId }, "sent", "scheduled", "sent", null, detail, at);
}

export async function recordEvent(
  tx: Tx,
  d: Pick<DraftRow, "id" | "tenantId">,
  event: string,
  fromStatus: DraftStatus | null,
  toStatus: DraftStatus,
  actorUserId: string | null,
  detail: Record<string, unknown> = {},
  at?: Date,
): Promise<void> {
  await tx
    .insert(draftEvents)
    .values({ tenantId: d.tenantId, draftId: d.id, actorUserId, event, fromStatus, toStatus, detail, at });
}

export async function setStatus(
  tx: Tx,
  id: string,
  status: DraftStatus,
  extra: Partial<typeof drafts.$inferInsert> = {},
  now?: Date,
) {
  await tx
    .update(drafts)
    .set({ status, updatedAt: now ?? new Date(), ...extra })
    .where(eq(drafts.id, id));
}

/**
 * Of these subjects (deal or invoice ids), those with a draft still in play, or with any draft
 * created after `since`: a sweep does not draft them again.
 */
export async function subjectsWithRecentDrafts(
  tx: Tx,
  subjectIds: readonly string[],
  since: Date,
): Promise<Set<string>> {
  if (!subjectIds.length) return new Set();
  const rows = await tx
    .select({ subjectId: drafts.subjectId })
    .from(drafts)
    .where(
      and(
        inArray(drafts.subjectId, [...subjectIds]),
        or(
          inArray(drafts.status, ["drafted", "edited", "approved", "scheduled"]),
          gt(drafts.createdAt, since),
        ),
      ),
    );
  return new Set(rows.map((r) => r.subjectId).filter((id): id is string => id !== null));
}

export async function draftHistory(tx: Tx, draftId: string) {
  return tx
    .select({ event: draftEvents, actorName: users.name })
    .from(draftEvents)
    .leftJoin(users, eq(users.id, draftEvents.actorUserId))
    .where(eq(draftEvents.draftId, draftId))
    .orderBy(draftEvents.n);
}

/** Pending drafts; with `now`, those already past their expiry are left out (the sweep marks them). */
export async function pendingDrafts(tx: Tx, now?: Date, statuses: DraftStatus[] = ["drafted", "edited"]) {
  return tx
    .select()
    .from(drafts)
    .where(
      and(
        inArray(drafts.status, statuses),
        ...(now ? [or(isNull(drafts.expiresAt), gt(drafts.expiresAt, now))] : []),
      ),
    )
    .orderBy(desc(drafts.createdAt))
    .limit(50);
}
