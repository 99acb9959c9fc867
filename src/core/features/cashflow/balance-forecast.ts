import type { Deps } from "../../deps.js";
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { cashHeadline } from "./cash-text.js";
import { cashFanImage } from "./chart.js";
import { cashflowReport } from "./report.js";

/**
 * `forecast cash_balance N`: the cash engine's weekly median balance with its band — the same
 * figures as `cashflow` and the digest for the same dates, because they are the same simulation.
 */
export async function cashBalanceForecastReply(deps: Deps, actor: Actor, weeks = 8): Promise<Reply> {
  const h = Math.min(Math.max(weeks, 1), 52);
  const r = await cashflowReport(deps, actor.tenantId, { horizonDays: 7 * h, userId: actor.userId });
  const o = r.outlook;
  const c = r.currency;
  const bands = o.bands.filter((b) => b.day > 0 && b.day % 7 === 0).slice(0, h);
  const image = await cashFanImage(o).catch((err: unknown) => {
    deps.logger.warn({ err }, "cash fan chart failed; answering with text only");
    return null;
  });
  return {
    ...(image ? { image } : {}),
    text:
      `Cash balance for the next ${plural(h, "week")} from the cash engine (not a curve fit of past balances: ` +
      `it knows the open invoices, the pipeline and the burn).\n${cashHeadline(o)}`,
    fields: bands.map((b) => ({
      label: `week +${b.day / 7} (${b.on})`,
      value: `${formatMoney(b.p50, c)} (80 %: ${formatMoney(b.p10, c)}–${formatMoney(b.p90, c)})`,
    })),
    sources: [
      { label: "Cash position", detail: `${o.basis.openingSource}; burn: ${o.basis.burnSource}` },
      {
        label: "Cash simulation",
        detail: `${o.paths} seeded paths (seed ${o.seed}); see \`cashflow\` for the assumptions`,
      },
    ],
    meta: {
      metric: "cash_balance",
      model: "cash engine (simulation)",
      horizon: h,
      weeks: bands.map((b) => ({ on: b.on, p10: b.p10, p50: b.p50, p90: b.p90 })),
      currency: c,
    },
  };
}
