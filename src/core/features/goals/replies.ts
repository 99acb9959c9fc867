import { addDays, isoDate } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Action, Field, Reply, Section, Source } from "../../ports/reply.js";
import type { MetricContext } from "./context.js";
import { formatGrowth, formatValue } from "./measure.js";
import type { GoalPace } from "./pace.js";
import type { GoalRow } from "./store.js";
import type { GoalIntent, GoalValidation } from "./types.js";

const VERDICT: Record<string, string> = {
  likely: "on trend",
  stretch: "stretch",
  unrealistic: "unrealistic",
  unknown: "not judged",
};

function contextSources(ctx: MetricContext): Source[] {
  const out: Source[] = [
    {
      label: "Baseline",
      detail: `metric_points "${ctx.metric.key}": ${ctx.query.label} ${ctx.baselineWindow?.from} to ${ctx.baselineWindow?.to}`,
    },
    {
      label: "History",
      detail: `${ctx.points} ${ctx.metric.frequency}ly points; growth over same-length spans, weekly steps`,
    },
  ];
  if (ctx.forecast)
    out.push({
      label: "Forecast",
      detail: `${ctx.forecast.model}, backtest sMAPE ${ctx.forecast.smape.toFixed(1)} %, 80 % intervals`,
    });
  return out;
}

/** The plan's reply: validated goals with Accept / Adjust, the user's own target flagged when unrealistic. */
export function planReply(input: {
  intent: GoalIntent;
  context: MetricContext;
  validations: GoalValidation[];
  stored: GoalRow[];
  requested: GoalValidation | null;
  source: "llm" | "template";
  text: string;
}): Reply {
  const { context: ctx, stored } = input;
  const unit = ctx.metric.unit;
  const sections: Section[] = [];
  const actions: Action[] = [];
  const req = input.requested;
  let headline = `Here ${stored.length === 1 ? "is a SMART goal" : `are ${stored.length} SMART goals`} for ${ctx.metric.name.toLowerCase()}, checked against your data:`;
  if (req && !req.ok && req.achievability?.verdict === "unrealistic")
    headline = `⚠️ Your target looks unrealistic: it ${req.achievability.statement}\nHere ${stored.length === 1 ? "is an achievable alternative" : "are achievable alternatives"}:`;
  if (stored.length === 0)
    headline = `I could not build a goal that passes every check for ${ctx.metric.name.toLowerCase()}.`;
  stored.forEach((g, i) => {
    const v = input.validations.find(
      (x) => x.candidate.target === g.target && x.candidate.deadline === g.deadline,
    );
    const a = v?.achievability;
    const lines = [
      `*Target:* ${formatValue(g.target, unit)} (${formatGrowth(g.target / (g.baseline ?? g.target) - 1)}) by ${g.deadline}`,
      `*Baseline:* ${formatValue(g.baseline ?? 0, unit)} — ${ctx.query.label} to ${ctx.lastDate}`,
      a ? `*Achievable:* ${VERDICT[a.verdict]} — ${a.statement}` : "",
      v?.candidate.rationale ? `_${v.candidate.rationale}_` : "",
    ].filter(Boolean);
    sections.push({ title: `${i + 1}. ${g.title}`, text: lines.join("\n") });
    actions.push({
      id: `accept${i + 1}`,
      label: `Accept ${i + 1}`,
      style: "primary",
      intent: { kind: "goal.accept", goalRef: g.id },
    });
  });
  if (stored.length) {
    const g = stored[0]!;
    const later = isoDate(
      addDays(new Date(`${g.deadline}T00:00:00Z`), Math.max(30, Math.round(input.intent.horizonDays / 2))),
    );
    actions.push({
      id: "adjust",
      label: "Adjust: more time",
      intent: { kind: "goal.plan", text: `${ctx.metric.key} to ${g.target} by ${later}` },
    });
  } else {
    for (const v of input.validations.slice(0, 3))
      sections.push({
        title: v.candidate.title,
        text: v.checks
          .filter((c) => !c.ok)
          .map((c) => `❌ ${c.criterion}: ${c.detail}`)
          .join("\n"),
      });
  }
  const fields: Field[] = [
    { label: "Metric", value: `${ctx.metric.name} (${ctx.query.label})` },
    { label: "Baseline", value: formatValue(ctx.baseline ?? 0, unit) },
  ];
  return {
    text: headline,
    fields,
    sections,
    actions,
    sources: contextSources(ctx),
    meta: {
      goalIds: stored.map((g) => g.id),
      metric: ctx.metric.key,
      baseline: ctx.baseline,
      source: input.source,
      requested: req
        ? {
            ok: req.ok,
            verdict: req.achievability?.verdict,
            requiredGrowth: req.achievability?.requiredGrowth,
          }
        : null,
      goals: stored.map((g) => ({ id: g.id, target: g.target, deadline: g.deadline, baseline: g.baseline })),
    },
  };
}

const PACE_ICON: Record<GoalPace["pace"], string> = {
  ahead: "🟢 ahead",
  on_track: "🟢 on track",
  behind: "🔴 behind",
  achieved: "🏁 achieved",
  no_data: "⚪ no data",
};

/** One line per goal: actual vs where it should be today. */
export function paceLine(p: GoalPace): string {
  if (p.actual === null) return `${p.title} — no data yet`;
  return `${PACE_ICON[p.pace]}: ${formatValue(p.actual, p.unit)} vs ${formatValue(p.expected, p.unit)} expected today (${p.method === "seasonal" ? "seasonal path" : "straight line"}), target ${formatValue(p.target, p.unit)} by ${p.deadline}, ${p.daysLeft} days left`;
}

export function goalsListReply(paces: GoalPace[]): Reply {
  if (paces.length === 0) return { text: "No goals yet. Try `goal grow revenue 10 % in 90 days`." };
  const active = paces.filter((p) => p.status === "active");
  const proposed = paces.filter((p) => p.status === "proposed");
  const sections: Section[] = [];
  if (active.length)
    sections.push({
      title: "Active",
      text: active.map((p) => `• ${bold(p.title)}\n  ${paceLine(p)}`).join("\n"),
    });
  if (proposed.length)
    sections.push({
      title: "Proposed (not accepted)",
      text: proposed.map((p) => `• ${p.title} — \`goal accept ${p.goalId.slice(0, 8)}\``).join("\n"),
    });
  return {
    text: `${plural(active.length, "active goal")}${proposed.length ? `, ${proposed.length} proposed` : ""}.`,
    sections,
    actions: proposed.slice(0, 3).map((p, i) => ({
      id: `accept${i + 1}`,
      label: `Accept: ${p.title.slice(0, 40)}`,
      intent: { kind: "goal.accept", goalRef: p.goalId },
    })),
    sources: [
      {
        label: "Goal pace",
        detail:
          "goals.query window over metric_points; expected = path from baseline to target (last year's shape when available)",
      },
    ],
    meta: { paces },
  };
}
