import { goalsSection, quietNotBefore } from "../core/features/digest/index.js";
import { recordCheckin } from "../core/features/goals/index.js";
import { enqueue, teamAlertTarget } from "../core/features/outbox/index.js";
import { bold } from "../core/kernel/markdown/index.js";
import { forEachTenant } from "./tenant-units.js";
import type { JobDefinition } from "./types.js";

/**
 * Mondays: goal check-ins — the pace of every active goal is stored as a check-in, and every
 * slipping goal is reported with a corrective action to the team's alert chat.
 */
export const goalCheckinsJob: JobDefinition = {
  name: "goal-checkins",
  schedule: "0 8 * * 1",
  description: "Weekly goal pace check-ins and slippage alerts",
  async run(deps, ctx) {
    const week = ctx.slot.toISOString().slice(0, 10);
    return forEachTenant(deps, ctx, "goal-checkins", async (t) => {
      const g = await goalsSection(deps, t.id);
      if (!g.ok || !g.items.length) return 0;
      for (const i of g.items) await recordCheckin(deps, t.id, i.raw, `weekly check-in: ${i.pace}`);
      const slipping = g.items.filter((i) => i.slipping);
      if (!slipping.length) return g.items.length;
      const target = await teamAlertTarget(deps, t.id);
      if (!target) return g.items.length;
      const notBefore = await quietNotBefore(deps, t.id, target, ctx.now);
      const text = `📉 ${bold(`${slipping.length === 1 ? "A goal is" : `${slipping.length} goals are`} slipping`)}`;
      const lines = slipping
        .map((s) => `• ${s.title}: ${s.text}${s.suggestion ? `\n  → ${s.suggestion}` : ""}`)
        .join("\n");
      await deps.db.tenantTx(t.id, (tx) =>
        enqueue(
          tx,
          {
            tenantId: t.id,
            dedupeKey: `goal-slip:${week}`,
            target,
            payload: {
              text,
              sections: [{ title: "Pace and what to do", text: lines }],
              meta: { kind: "goal.slippage" },
            },
            notBefore,
          },
          ctx.now,
        ),
      );
      return g.items.length;
    });
  },
};
