import { DAY_MS } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import { type MetricContext, outlookFor } from "./context.js";
import { formatGrowth, formatValue } from "./measure.js";
import type { Achievability, CriterionCheck, GoalCandidate, GoalValidation, MetricInfo } from "./types.js";

const MIN_DAYS = 7;
const MAX_DAYS = 730;

/** Judges a required change against history and the forecast over the same horizon. Pure. */
export function judgeAchievability(ctx: MetricContext, target: number, horizonDays: number): Achievability {
  const base = ctx.baseline ?? Number.NaN;
  const required = target / base - 1;
  const o = outlookFor(ctx, horizonDays);
  const h = o.history;
  const f = o.forecast;
  const up = required >= 0;
  const pick = (xs: (number | undefined)[], fn: (...n: number[]) => number) => {
    const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length ? fn(...v) : null;
  };
  const likelyBound = up ? pick([h?.median, f?.growth], Math.max) : pick([h?.median, f?.growth], Math.min);
  const stretchBound = up ? pick([h?.p90, f?.upper80], Math.max) : pick([h?.p10, f?.lower80], Math.min);
  let verdict: Achievability["verdict"] = "unknown";
  if (likelyBound !== null && stretchBound !== null) {
    if (up ? required <= likelyBound : required >= likelyBound) verdict = "likely";
    else if (up ? required <= stretchBound : required >= stretchBound) verdict = "stretch";
    else verdict = "unrealistic";
  }
  const parts = [
    `needs ${formatGrowth(required)} in ${plural(horizonDays, "day")} (${formatValue(base, ctx.metric.unit)} → ${formatValue(target, ctx.metric.unit)})`,
  ];
  if (h)
    parts.push(
      `over ${horizonDays}-day spans your history shows a median of ${formatGrowth(h.median)}, 90th percentile ${formatGrowth(up ? h.p90 : h.p10)}, best ${formatGrowth(up ? h.best : h.worst)}`,
    );
  if (f)
    parts.push(
      `the forecast (${f.model}) gives ${formatGrowth(f.growth)} (80 % range ${formatGrowth(f.lower80)} to ${formatGrowth(f.upper80)})`,
    );
  return {
    requiredGrowth: required,
    horizonDays,
    verdict,
    historyMedian: h?.median ?? null,
    historyP90: h ? (up ? h.p90 : h.p10) : null,
    historyBest: h ? (up ? h.best : h.worst) : null,
    forecastGrowth: f?.growth ?? null,
    forecastUpper80: f ? (up ? f.upper80 : f.lower80) : null,
    statement: `${parts.join("; ")}.`,
  };
}

/**
 * Validates one candidate by code, criterion by criterion: the metric exists in the tenant's data;
 * the target is a number with a unit; the baseline is known (and matches the data); the deadline is
 * a real date in range; the target is achievable against history and forecast.
 */
export function validateGoal(
  c: GoalCandidate,
  ctx: MetricContext | null,
  metrics: readonly MetricInfo[],
  today: Date,
): GoalValidation {
  const checks: CriterionCheck[] = [];
  const metric = metrics.find(
    (m) => m.key === c.metric || m.name.toLowerCase() === String(c.metric).toLowerCase(),
  );
  checks.push(
    metric
      ? { criterion: "metric_exists", ok: true, detail: `${metric.name} (${metric.key}) is in your data` }
      : {
          criterion: "metric_exists",
          ok: false,
          detail: `"${c.metric}" is not a metric in your data; use one of: ${metrics.map((m) => m.key).join(", ")}`,
        },
  );
  const usable = metric && ctx && ctx.metric.key === metric.key ? ctx : null;
  const unit = metric?.unit ?? c.unit ?? "";
  const numeric = Number.isFinite(c.target) && c.target > 0;
  checks.push(
    numeric && unit
      ? { criterion: "numeric_target", ok: true, detail: `target ${formatValue(c.target, unit)}` }
      : {
          criterion: "numeric_target",
          ok: false,
          detail: numeric ? "the metric has no unit" : "the target must be a positive number",
        },
  );
  const baseline = usable?.baseline ?? null;
  if (!metric)
    checks.push({
      criterion: "baseline_known",
      ok: false,
      detail: "no baseline for a metric that is not in your data",
    });
  else if (baseline === null || baseline <= 0)
    checks.push({
      criterion: "baseline_known",
      ok: false,
      detail: "not enough history to know the current level",
    });
  else if (
    !Number.isFinite(c.baseline) ||
    Math.abs(c.baseline - baseline) > Math.max(1e-9, Math.abs(baseline) * 0.01)
  )
    checks.push({
      criterion: "baseline_known",
      ok: false,
      detail: `the baseline must be ${formatValue(baseline, unit)} (${usable!.query.label} to ${usable!.lastDate}), not ${Number.isFinite(c.baseline) ? formatValue(c.baseline, unit) : "missing"}`,
    });
  else
    checks.push({
      criterion: "baseline_known",
      ok: true,
      detail: `baseline ${formatValue(baseline, unit)} (${usable!.query.label} to ${usable!.lastDate})`,
    });
  const due = /^\d{4}-\d{2}-\d{2}$/.test(c.deadline) ? new Date(`${c.deadline}T00:00:00Z`) : null;
  const days =
    due && !Number.isNaN(due.getTime())
      ? Math.round(
          (due.getTime() - Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) /
            DAY_MS,
        )
      : null;
  checks.push(
    days === null
      ? { criterion: "deadline", ok: false, detail: "the deadline must be a date (YYYY-MM-DD)" }
      : days < MIN_DAYS || days > MAX_DAYS
        ? {
            criterion: "deadline",
            ok: false,
            detail: `the deadline must be ${MIN_DAYS} to ${plural(MAX_DAYS, "day")} from today (it is ${days})`,
          }
        : { criterion: "deadline", ok: true, detail: `${c.deadline}, in ${plural(days, "day")}` },
  );
  let achievability: Achievability | null = null;
  if (usable && baseline && numeric && days !== null && days >= MIN_DAYS) {
    achievability = judgeAchievability(usable, c.target, days);
    const ok = achievability.verdict === "likely" || achievability.verdict === "stretch";
    checks.push({
      criterion: "achievable",
      ok,
      detail: `${achievability.verdict}: ${achievability.statement}`,
    });
  } else
    checks.push({
      criterion: "achievable",
      ok: false,
      detail: "cannot be judged without the metric, a baseline, a target and a deadline",
    });
  return { candidate: { ...c, unit }, ok: checks.every((k) => k.ok), checks, achievability };
}

/** Feedback for the model's next attempt: the failed criteria of every candidate. */
export function feedbackFrom(validations: readonly GoalValidation[]): string[] {
  return validations.flatMap((v, i) =>
    v.checks
      .filter((c) => !c.ok)
      .map((c) => `goal ${i + 1} "${v.candidate.title}": ${c.criterion} failed — ${c.detail}`),
  );
}
