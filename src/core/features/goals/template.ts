import { addDays, isoDate } from "../../kernel/format.js";
import { type MetricContext, outlookFor } from "./context.js";
import { formatGrowth, formatValue } from "./measure.js";

/** Rounds to 3 significant digits towards the baseline, so rounding never makes a target harder. */
function niceTowardBaseline(v: number, base: number): number {
  const mag = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 2);
  return v >= base ? Math.floor(v / mag) * mag : Math.ceil(v / mag) * mag;
}

import type { GoalCandidate, GoalIntent } from "./types.js";

/** The goal's sentence, written by code: "Grow revenue (30-day total) from $235,887 to $259,000 by 2026-01-31". */
export function goalTitle(ctx: MetricContext, target: number, deadline: string): string {
  const verb = ctx.baseline !== null && target < ctx.baseline ? "Reduce" : "Grow";
  return `${verb} ${ctx.metric.name.toLowerCase()} (${ctx.query.label}) from ${formatValue(ctx.baseline ?? 0, ctx.metric.unit)} to ${formatValue(target, ctx.metric.unit)} by ${deadline}`;
}

function candidate(ctx: MetricContext, target: number, deadline: string, rationale: string): GoalCandidate {
  return {
    title: goalTitle(ctx, target, deadline),
    metric: ctx.metric.key,
    baseline: ctx.baseline!,
    target,
    deadline,
    rationale,
    unit: ctx.metric.unit,
  };
}

/**
 * SMART goals from rules and data alone (no model): the user's own target when given, and targets
 * on trend (forecast or typical history) and as a stretch (the forecast's 80 % upper bound or the
 * history's 90th percentile), all for the requested deadline.
 */
export function templateGoals(intent: GoalIntent, ctx: MetricContext, today: Date): GoalCandidate[] {
  if (ctx.baseline === null || ctx.baseline <= 0) return [];
  const base = ctx.baseline;
  const deadline = intent.deadline ?? isoDate(addDays(today, intent.horizonDays));
  const o = outlookFor(ctx, intent.horizonDays);
  const out: GoalCandidate[] = [];
  if (intent.target) {
    const t = intent.target.kind === "percent" ? base * (1 + intent.target.value / 100) : intent.target.value;
    // The user's own number is kept as asked (whole units), not rounded to a "nice" figure.
    out.push(
      candidate(
        ctx,
        Math.abs(t) >= 100 ? Math.round(t) : Math.round(t * 100) / 100,
        deadline,
        `Your target: ${formatGrowth(t / base - 1)} on the current ${ctx.query.label}.`,
      ),
    );
  }
  // Work in "good direction" units (s·g > 0 is progress), so increase and decrease share one rule.
  const sgn = intent.direction === "increase" ? 1 : -1;
  const finite = (xs: (number | undefined)[]) =>
    xs.filter((x): x is number => x !== undefined && Number.isFinite(x)).map((x) => x * sgn);
  const trend = finite([o.forecast?.growth, o.history?.median]);
  const stretch = finite([
    sgn > 0 ? o.forecast?.upper80 : o.forecast?.lower80,
    sgn > 0 ? o.history?.p90 : o.history?.p10,
  ]);
  const hi = stretch.length ? Math.max(...stretch) : null;
  if (hi !== null && hi > 0) {
    const lo = trend.length ? Math.max(...trend) : 0;
    // Modest: on trend, but real progress (at least 2 %) when the trend is flat or going the wrong way.
    let g1 = Math.max(lo, Math.min(0.02, hi * 0.5));
    if (g1 >= hi) g1 = hi * 0.5;
    const target1 = niceTowardBaseline(base * (1 + sgn * g1 * 0.97), base);
    out.push(
      candidate(
        ctx,
        target1,
        deadline,
        `On trend: in line with the forecast and your typical ${intent.horizonDays}-day change.`,
      ),
    );
    if (hi > g1 * 1.25) {
      const g2 = g1 + (hi - g1) * 0.8;
      out.push(
        candidate(
          ctx,
          niceTowardBaseline(base * (1 + sgn * g2), base),
          deadline,
          `Stretch: close to your best ${intent.horizonDays}-day periods (${formatGrowth(sgn * hi)}).`,
        ),
      );
    }
  }
  // Drop near-duplicates (same target after rounding).
  return out.filter(
    (c, i) => out.findIndex((x) => Math.abs(x.target - c.target) <= Math.abs(base) * 0.005) === i,
  );
}
