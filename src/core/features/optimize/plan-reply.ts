import { and, eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { planningDatasets } from "../../infra/db/schema/index.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { solveBudget } from "./budget.js";
import { describePlan } from "./describe.js";
import { solveInventory } from "./inventory.js";
import { solveStaffing } from "./staffing.js";

const SOLVERS = { staffing: solveStaffing, inventory: solveInventory, budget: solveBudget } as const;

/** `plan staffing|inventory|budget` on the tenant's stored planning data. */
export async function planReply(deps: Deps, actor: Actor, problem: keyof typeof SOLVERS): Promise<Reply> {
  const [row] = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select()
      .from(planningDatasets)
      .where(and(eq(planningDatasets.kind, problem)))
      .limit(1),
  );
  if (!row)
    return {
      text: `There is no ${problem} data for this business yet. Import it with \`keel optimize ${problem} FILE.json\` (see the input format in the README).`,
    };
  const res = await SOLVERS[problem](row.data, { timeLimitSec: 20 });
  if (!res.ok) {
    deps.logger.warn({ problem, code: res.reason.code }, "plan failed");
    return { text: `I could not plan ${problem}: ${res.reason.message}` };
  }
  const r = res.value;
  return {
    text: describePlan(r),
    fields: [
      { label: "Status", value: r.status },
      {
        label: "Solver",
        value: `${r.backend}, ${r.solveTimeMs} ms${r.mipGap !== null && r.mipGap !== undefined ? `, gap ${(r.mipGap * 100).toFixed(2)} %` : ""}`,
      },
    ],
    sources: [
      {
        label: "Solver run",
        detail: `${problem} model on stored planning data (updated ${row.updatedAt.toISOString().slice(0, 10)}), ${r.backend}, status ${r.status}`,
      },
    ],
    meta: {
      problem,
      status: r.status,
      objective: r.objective,
      backend: r.backend,
      solveTimeMs: r.solveTimeMs,
      mipGap: r.mipGap,
      binding: r.binding,
      unmet: r.unmet,
    },
  };
}
