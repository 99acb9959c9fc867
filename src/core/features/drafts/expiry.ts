import { and, inArray, lte } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { drafts } from "../../infra/db/schema/index.js";
import { recordEvent, setStatus } from "./repository.js";

/**
 * Expires pending drafts past `expires_at` (for a periodic job): each gets an `expired` event, so
 * the audit trail shows that nobody approved it in time. Returns the expired draft ids.
 */
export async function expireDueDrafts(deps: Deps, tenantId: string): Promise<string[]> {
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const due = await tx
      .select()
      .from(drafts)
      .where(and(inArray(drafts.status, ["drafted", "edited"]), lte(drafts.expiresAt, now)))
      .for("update", { skipLocked: true });
    for (const d of due) {
      await setStatus(tx, d.id, "expired", {}, now);
      await recordEvent(
        tx,
        d,
        "expired",
        d.status,
        "expired",
        null,
        { expiresAt: d.expiresAt?.toISOString(), via: "job" },
        now,
      );
    }
    return due.map((d) => d.id);
  });
}
