import type { Deps } from "../../deps.js";
import type { Handler } from "../../intents/dispatcher.js";
import { formatMoney, formatNumber } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Field, Reply, Section, Source } from "../../ports/reply.js";
import { cashBalanceForecastReply } from "./balance-forecast.js";
import { balanceDay, balanceOnReply } from "./balance-reply.js";
import { describeCalibration } from "./calibration.js";
import { cashHeadline, cashRunwayText, pct, runwayText } from "./cash-text.js";
import { cashFanImage } from "./chart.js";
import { addDaysIso } from "./dates.js";
import { bandOn, type CashOutlook } from "./outlook.js";
import type { CashflowReport, ScenarioResult } from "./report.js";
import { cashflowReport } from "./report.js";
import type { DealProjection, RuleId, Runway } from "./types.js";

const signed = (minor: number, currency: string) =>
  minor > 0
    ? `+${formatMoney(minor, currency)}`
    : minor < 0
      ? `−${formatMoney(-minor, currency)}`
      : formatMoney(0, currency);

function scenarioLines(s: ScenarioResult, r: CashflowReport): string {
  if (!s.ok)
    return `${s.reason}${s.candidates.length ? ` Did you mean: ${s.candidates.slice(0, 5).join("; ")}?` : ""}`;
  const c = r.currency;
  const horizonOn = addDaysIso(r.today, r.horizonDays);
  const beyond =
    s.after.paidOn > horizonOn ? ` — after the ${r.horizonDays}-day window, which ends ${horizonOn}` : "";
  const level = (before: string, after: string, delta: string) => `${before} → ${after} (${delta})`;
  const runwayDelta =
    s.delta.runwayDeltaDays === null
      ? "change not measurable"
      : `${s.delta.runwayDeltaDays >= 0 ? "+" : ""}${plural(s.delta.runwayDeltaDays, "day")}`;
  return (
    `${bold(`If ${s.dealName} slips ${plural(s.slipDays, "day")}:`)} payment moves from ${s.before.paidOn} to ${s.after.paidOn}${beyond}` +
    `${s.before.invoiceOn !== s.after.invoiceOn ? ` (invoice ${s.before.invoiceOn} → ${s.after.invoiceOn})` : ""}.\n` +
    `• Balance on ${horizonOn} (median): ${level(formatMoney(r.cash.balanceAtHorizonMinor, c), formatMoney(s.cash.balanceAtHorizonMinor, c), signed(s.delta.balanceAtHorizonDeltaMinor, c))}\n` +
    `• Pipeline cash in within ${plural(r.horizonDays, "day")} (weighted): ${level(formatMoney(r.aggregation.inHorizon.collectedWeightedMinor, c), formatMoney(s.aggregation.inHorizon.collectedWeightedMinor, c), signed(s.delta.inHorizonCollectedWeightedDeltaMinor, c))}\n` +
    `• Expected runway: ${level(runwayText(r.cash.runway), runwayText(s.cash.runway), runwayDelta)}`
  );
}

function bucketFields(r: CashflowReport): Field[] {
  const c = r.currency;
  const s = r.scenario?.ok ? r.scenario : undefined;
  return r.aggregation.buckets.map((b, i) => {
    const parts = [
      `${formatMoney(b.collectedWeightedMinor, c)} in (${plural(b.paymentCount, "deal")}, ${formatMoney(b.collectedMinor, c)} unweighted)`,
    ];
    if (s) {
      const d = s.delta.buckets[i]?.collectedWeightedDeltaMinor ?? 0;
      if (d !== 0) parts.push(`scenario ${signed(d, c)}`);
    }
    parts.push(`${formatMoney(b.invoicedWeightedMinor, c)} invoiced (${b.invoiceCount})`);
    const rec = r.receivables.byBucket[i] ?? 0;
    if (rec) parts.push(`+ ${formatMoney(rec, c)} receivables`);
    if (r.history.ok) parts.push(`history says ${formatMoney(r.history.byBucket[i]?.pointMinor ?? 0, c)}`);
    return { label: `${b.label} (${b.start}…${b.end})`, value: parts.join(" · ") };
  });
}

function cashSection(r: CashflowReport): Section {
  const c = r.currency;
  const b = r.cash.basis;
  const known = b.openingMinor !== null;
  const band = bandOn(r.outlook, addDaysIso(r.today, r.horizonDays));
  return {
    title: "Cash position and runway",
    fields: [
      {
        label: "Opening cash",
        value: known ? `${formatMoney(b.openingMinor ?? 0, c)} (${b.openingSource})` : b.openingSource,
      },
      {
        label: "Monthly burn",
        value:
          b.monthlyBurnMinor === null
            ? b.burnSource
            : `${formatMoney(b.monthlyBurnMinor, c)} — ${b.burnSource}`,
      },
      {
        label: known
          ? `Balance on day ${r.horizonDays} (median)`
          : `Net change by day ${r.horizonDays} (median)`,
        value: `${formatMoney(r.cash.balanceAtHorizonMinor, c)}${band ? ` (P10 ${formatMoney(band.p10, c)} · P90 ${formatMoney(band.p90, c)})` : ""}`,
      },
      { label: "Cash runway", value: cashRunwayText(r.outlook.cashRunway) },
      { label: "Expected runway", value: runwayText(r.cash.runway) },
      ...(r.outlook.negative
        ? [
            {
              label: `Chance below zero by ${r.outlook.negative.by}`,
              value: pct(r.outlook.negative.probability),
            },
          ]
        : []),
    ],
  };
}

function historySection(r: CashflowReport): Section {
  if (!r.history.ok)
    return {
      title: "Collections forecast from history",
      text: `Not available: ${r.history.reason}. The pipeline figures above stand on their own.`,
    };
  const h = r.history;
  const total = h.byBucket.reduce((s, x) => s + x.pointMinor, 0);
  return {
    title: "Collections forecast from history",
    text:
      `${h.model} on ${h.periods} ${r.bucket}s of payments: about ${formatMoney(total, r.currency)} over the horizon ` +
      `(backtest error sMAPE ${formatNumber(h.smape, 1)} %). A baseline to compare with, not added to the pipeline.`,
  };
}

const TAGS: Partial<Record<RuleId, string>> = {
  invoiced_stage: "already invoiced",
  stuck_penalty: "stuck penalty",
  default_terms: "default terms",
  clamp_invoice_after_today: "invoice moved to tomorrow",
  clamp_payment_after_invoice: "payment moved after invoice",
  overdue_payment: "payment overdue",
  warn_beyond_year: "over a year out",
  no_invoiced_stage: "no invoiced stage",
  llm_prediction: "LLM",
  llm_overridden_low_confidence: "LLM overridden (low confidence)",
  llm_overridden_too_early: "LLM overridden (earlier than the stage allows)",
  llm_failed: "LLM failed",
};

/** One short line per deal; the full step-by-step reasoning is in `meta.assumptions.deals`. */
function dealLine(p: DealProjection, currency: string): string {
  const tags = p.rules.map((id) => TAGS[id]).filter(Boolean);
  return (
    `${bold(p.dealName)} (${p.stageName}, ${p.daysInStage} d): invoice ${p.invoiceOn}, paid ${p.paidOn} (+${p.termsDays} d), ` +
    `${formatMoney(p.weightedMinor, currency)} weighted${tags.length ? ` — ${tags.join(", ")}` : ""}`
  );
}

/** Renders a cashflow report as the neutral reply: summary, buckets, cash, top deals, assumptions. */
export function cashflowReply(r: CashflowReport): Reply {
  const c = r.currency;
  const [n30, n60, n90] = r.next;
  const summary =
    `${cashHeadline(r.outlook)}\n\n` +
    `${bold("Expected cash in from the pipeline")} (weighted by configured stage probability): next 30 days ${formatMoney(n30?.weightedMinor ?? 0, c)} · ` +
    `60 days ${formatMoney(n60?.weightedMinor ?? 0, c)} · 90 days ${formatMoney(n90?.weightedMinor ?? 0, c)} ` +
    `(${r.projections.length} open deals). Open receivables add ${formatMoney(r.receivables.totalMinor, c)}.`;
  const text = r.scenario ? `${scenarioLines(r.scenario, r)}\n\n${summary}` : summary;
  const top = r.topDeals.map(
    (p) =>
      `• ${bold(p.dealName)} — ${formatMoney(p.weightedMinor, c)} (${formatMoney(p.valueMinor, c)} × ${p.probability}) paid ~${p.paidOn} · ${p.stageName} · ${p.method}`,
  );
  const perDeal = r.projections.map((p) => `• ${dealLine(p, r.currency)}`);
  const sections: Section[] = [
    {
      title: `Cash in by ${r.bucket}, next ${plural(r.horizonDays, "day")} (weighted by stage probability)`,
      fields: bucketFields(r),
    },
    cashSection(r),
    historySection(r),
    {
      title: "Top contributing deals",
      text: top.join("\n") || `No deal pays within ${plural(r.horizonDays, "day")}.`,
    },
    { title: "Assumptions", text: r.assumptions.map((a) => `• ${a}`).join("\n") },
    {
      title: "Deal by deal (full reasoning in the assumptions data)",
      text: perDeal.join("\n") || "No open deals.",
    },
  ];
  const sources: Source[] = [
    {
      label: "Open deals",
      detail: "deals with status open joined with their stage (probability, cycle_days, is_invoiced)",
    },
    {
      label: "Cashflow rules",
      detail: `stage cycle times, ${r.rules.defaultTermsDays} d default terms, +${r.rules.stuckPenaltyDays} d when stuck > ${r.rules.stuckAfterDays} d, sanity checks`,
    },
    {
      label: "Open invoices",
      detail: `${r.receivables.count} open invoices minus payments received, due dates`,
    },
    {
      label: "Payments",
      detail: r.history.ok
        ? `payments per ${r.bucket} → forecast ${r.history.model}, sMAPE ${formatNumber(r.history.smape, 1)} %`
        : `payments per ${r.bucket}; forecast unavailable (${r.history.reason})`,
    },
    { label: "Cash position", detail: `${r.cash.basis.openingSource}; burn: ${r.cash.basis.burnSource}` },
  ];
  if (r.llm.asked)
    sources.push({
      label: "LLM prompt cashflow.predict_dates",
      detail: `${r.llm.used} used, ${r.llm.overridden} overridden (confidence < ${r.rules.minLlmConfidence} or earlier than the stage allows), ${r.llm.failed} failed → rules${r.llm.capped ? `; ${r.llm.capped} smaller deals by the rules (at most ${r.llm.asked} model calls per question)` : ""}`,
    });
  return {
    text,
    sections,
    sources,
    meta: {
      today: r.today,
      currency: r.currency,
      horizonDays: r.horizonDays,
      bucket: r.bucket,
      buckets: r.aggregation.buckets,
      inHorizon: r.aggregation.inHorizon,
      beyond: r.aggregation.beyond,
      past: r.aggregation.past,
      next: r.next,
      receivables: {
        totalMinor: r.receivables.totalMinor,
        count: r.receivables.count,
        doubtful: r.receivables.doubtful,
        byBucket: r.receivables.byBucket,
      },
      history: r.history.ok
        ? { model: r.history.model, smape: r.history.smape, byBucket: r.history.byBucket }
        : { error: r.history.reason },
      cash: {
        basis: r.cash.basis,
        positions: r.cash.positions,
        balanceAtHorizonMinor: r.cash.balanceAtHorizonMinor,
        runway: r.cash.runway,
      },
      topDeals: r.topDeals.map((p) => ({
        dealId: p.dealId,
        name: p.dealName,
        weightedMinor: p.weightedMinor,
        paidOn: p.paidOn,
      })),
      llm: r.llm,
      excluded: r.excluded,
      assumptions: {
        rules: r.assumptions,
        calibration: describeCalibration(r.calibration),
        deals: r.projections.map((p) => ({
          dealId: p.dealId,
          name: p.dealName,
          stage: p.stageName,
          daysInStage: p.daysInStage,
          valueMinor: p.valueMinor,
          probability: p.probability,
          weightedMinor: p.weightedMinor,
          invoiceOn: p.invoiceOn,
          paidOn: p.paidOn,
          method: p.method,
          confidence: p.confidence,
          rules: p.rules,
          steps: p.steps,
          warnings: p.warnings,
        })),
      },
      scenario: r.scenario?.ok
        ? {
            ok: true,
            dealId: r.scenario.dealId,
            dealName: r.scenario.dealName,
            slipDays: r.scenario.slipDays,
            before: r.scenario.before,
            after: r.scenario.after,
            buckets: r.scenario.aggregation.buckets,
            delta: r.scenario.delta,
            runway: r.scenario.cash.runway,
          }
        : r.scenario,
    },
  };
}

/**
 * Adds the balance fan chart to a cash reply. A chart that cannot be drawn leaves the text answer
 * (which carries every figure) and a log line.
 */
export async function withFanChart(
  deps: Deps,
  reply: Reply,
  outlook: CashOutlook,
  opts: { until?: string } = {},
): Promise<Reply> {
  try {
    const image = await cashFanImage(outlook, opts);
    return image ? { ...reply, image } : reply;
  } catch (err) {
    deps.logger.warn({ err }, "cash fan chart failed; answering with text only");
    return reply;
  }
}

/** The `cashflow.forecast` intent: finance, managers and owners may read it (`cashflow.read`). */
export const cashflowHandler: Handler<"cashflow.forecast"> = async (deps, intent, actor) => {
  if (intent.weeks) return cashBalanceForecastReply(deps, actor, intent.weeks);
  if (intent.on) {
    const today = deps.clock.now().toISOString().slice(0, 10);
    const day = balanceDay(intent.on, today);
    if (!day.ok) return { text: day.message, ephemeral: true };
    const r = await cashflowReport(deps, actor.tenantId, {
      horizonDays: day.days,
      at: [day.on],
      userId: actor.userId,
    });
    return withFanChart(deps, balanceOnReply(r, day), r.outlook, { until: day.on });
  }
  const report = await cashflowReport(deps, actor.tenantId, {
    horizonDays: intent.horizonDays,
    bucket: intent.bucket,
    scenario: intent.scenario,
    userId: actor.userId,
  });
  return withFanChart(deps, cashflowReply(report), report.outlook);
};
