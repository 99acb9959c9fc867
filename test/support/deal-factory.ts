import { and, eq } from "drizzle-orm";
import type { Deps } from "../../src/core/deps.js";
import { dealNotes, dealStageHistory, deals, stages, users } from "../../src/core/infra/db/schema/index.js";

const DAY = 86_400_000;

export interface PlantedDeal {
  name: string;
  company?: string | null;
  value: number;
  currency?: string;
  status: "open" | "won" | "lost";
  ownerEmail?: string;
  /** Stage names with days ago they were entered, oldest first; the last is the current stage. */
  path: [stage: string, daysAgo: number][];
  notes?: string[];
}

/** Inserts a deal with its stage history and notes straight into the tables (as an import would). */
export async function plantDeal(deps: Deps, tenantId: string, p: PlantedDeal): Promise<string> {
  const now = deps.clock.now().getTime();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const st = await tx.select().from(stages);
    const byName = (n: string) => {
      const s = st.find((x) => x.name === n);
      if (!s) throw new Error(`no stage ${n}`);
      return s;
    };
    const owner = p.ownerEmail
      ? (
          await tx
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.email, p.ownerEmail)))
        )[0]?.id
      : null;
    const last = p.path.at(-1)!;
    const current = byName(last[0]);
    const [row] = await tx
      .insert(deals)
      .values({
        tenantId,
        pipelineId: current.pipelineId,
        stageId: current.id,
        name: p.name,
        company: p.company === undefined ? p.name : p.company,
        ownerUserId: owner ?? null,
        valueMinor: p.value,
        currency: p.currency ?? "USD",
        status: p.status,
        stageEnteredAt: new Date(now - last[1] * DAY),
      })
      .returning({ id: deals.id });
    const id = row!.id;
    for (const [i, [name, ago]] of p.path.entries()) {
      const next = p.path[i + 1];
      await tx.insert(dealStageHistory).values({
        tenantId,
        dealId: id,
        stageId: byName(name).id,
        enteredAt: new Date(now - ago * DAY),
        leftAt: next ? new Date(now - next[1] * DAY) : null,
      });
    }
    for (const [i, body] of (p.notes ?? []).entries())
      await tx
        .insert(dealNotes)
        .values({ tenantId, dealId: id, body, createdAt: new Date(now - (i + 1) * DAY) });
    return id;
  });
}
