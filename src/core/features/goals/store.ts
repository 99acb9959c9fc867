import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { goalCheckins, goals } from "../../infra/db/schema/index.js";
import type { GoalQuery, GoalValidation } from "./types.js";

export type GoalRow = typeof goals.$inferSelect;

/** Stores validated candidates as `proposed` goals with the query they track and the validator's findings. */
export async function saveProposedGoals(
  tx: Tx,
  input: {
    tenantId: string;
    createdBy?: string;
    today: string;
    query: GoalQuery;
    validations: GoalValidation[];
  },
): Promise<GoalRow[]> {
  if (input.validations.length === 0) return [];
  return tx
    .insert(goals)
    .values(
      input.validations.map((v) => ({
        tenantId: input.tenantId,
        createdBy: input.createdBy ?? null,
        metricKey: input.query.metric,
        title: v.candidate.title,
        unit: v.candidate.unit ?? "",
        baseline: v.candidate.baseline,
        target: v.candidate.target,
        startOn: input.today,
        deadline: v.candidate.deadline,
        status: "proposed" as const,
        query: input.query,
        validation: { checks: v.checks, achievability: v.achievability, rationale: v.candidate.rationale },
      })),
    )
    .returning();
}

/** A goal by id or by the first characters of its id (as shown in chat). */
export async function findGoal(tx: Tx, ref: string): Promise<GoalRow | undefined> {
  const r = ref.trim().toLowerCase();
  if (/^[0-9a-f-]{36}$/.test(r)) return (await tx.select().from(goals).where(eq(goals.id, r)).limit(1))[0];
  if (!/^[0-9a-f]{6,}$/.test(r)) return undefined;
  const rows = await tx
    .select()
    .from(goals)
    .where(sql`${goals.id}::text like ${`${r}%`}`)
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

export async function activateGoal(tx: Tx, id: string, at: Date): Promise<void> {
  await tx
    .update(goals)
    .set({ status: "active", acceptedAt: at })
    .where(and(eq(goals.id, id), eq(goals.status, "proposed")));
}

export async function listGoals(
  tx: Tx,
  statuses: GoalRow["status"][] = ["active", "proposed"],
): Promise<GoalRow[]> {
  return tx
    .select()
    .from(goals)
    .where(inArray(goals.status, statuses))
    .orderBy(desc(goals.createdAt))
    .limit(50);
}

/** Records one check-in (for the jobs that report pace). */
export async function insertCheckin(
  tx: Tx,
  row: { tenantId: string; goalId: string; at: Date; actual: number; expected: number; note?: string },
): Promise<void> {
  await tx.insert(goalCheckins).values(row);
}
