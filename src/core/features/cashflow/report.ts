import type { Deps } from "../../deps.js";
import { mapLimit } from "../../kernel/concurrency.js";
import { findDeal, listDeals } from "../deals/index.js";
import { DEFAULT_K, findSimilarDeals, type NeighbourStats } from "../similar/index.js";
import { getTenant } from "../tenancy/index.js";
import { aggregate, collectedWithin, sumByBucket } from "./aggregate.js";
import { CALIBRATION_PRIOR, type Calibration, calibrate, summarizeCalibration } from "./calibration.js";
import { monthlyFromExpenseSeries, toMinor } from "./cash.js";
import { addDaysIso, dayOf, diffDaysIso, maxIso } from "./dates.js";
import {
  collectionsHistory,
  forecastCollections,
  type HistoryForecast,
  trailingMonthlyCollections,
} from "./history.js";
import { bandOn, buildOutlook, burnSpread, type CashOutlook, RUNWAY_SEARCH_DAYS } from "./outlook.js";
import { applyPrediction, predictDates, predictionVariables } from "./predict.js";
import {
  dealHistoryText,
  loadCalibrationHistory,
  loadPayments,
  loadReceivables,
  loadSeries,
  loadStageRules,
  type Receivable,
} from "./queries.js";
import { describeRules, makeRules, projectDeal } from "./rules.js";
import { applyScenario, compareScenario, type ScenarioDelta } from "./scenario.js";
import type {
  Aggregation,
  BucketKind,
  CashBasis,
  CashflowRules,
  CashProjection,
  DealProjection,
  Inflow,
  Runway,
} from "./types.js";

export const DEFAULT_HORIZON_DAYS = 90;
/** Open invoices overdue longer than this are doubtful and left out of expected cash. */
export const DOUBTFUL_AFTER_DAYS = 90;
const LLM_CONCURRENCY = 4;
/**
 * Model calls one cashflow question may make: the model is asked about the deals with the largest
 * weighted value (they move the cash most); every other deal is projected by the rules. Bounds the
 * cost and latency of "how is our cash?" however many deals are open.
 */
export const MAX_MODEL_CALLS_PER_QUESTION = 8;

/** Weekly buckets read well up to two months; beyond that months. */
export const defaultBucket = (horizonDays: number): BucketKind => (horizonDays <= 60 ? "week" : "month");

export interface CashflowOptions {
  horizonDays?: number;
  bucket?: BucketKind;
  scenario?: { deal: string; slipDays: number };
  /** Extra dates the balance bands are wanted for (e.g. "end of next month"). */
  at?: string[];
  /** Simulation paths (default 4000). */
  paths?: number;
  /** Who asked (LLM ledger). */
  userId?: string;
  rules?: Partial<Omit<CashflowRules, "stages">>;
}

export type ScenarioResult =
  | {
      ok: true;
      dealId: string;
      dealName: string;
      slipDays: number;
      before: { invoiceOn: string; paidOn: string };
      after: { invoiceOn: string; paidOn: string };
      aggregation: Aggregation;
      cash: CashProjection;
      outlook: CashOutlook;
      delta: ScenarioDelta;
    }
  | { ok: false; reason: string; candidates: string[] };

export interface CashflowReport {
  today: string;
  currency: string;
  horizonDays: number;
  bucket: BucketKind;
  rules: CashflowRules;
  projections: DealProjection[];
  excluded: { dealName: string; reason: string }[];
  aggregation: Aggregation;
  /** Weighted collections expected in the next 30, 60 and 90 days. */
  next: { days: number; weightedMinor: number; valueMinor: number; count: number }[];
  receivables: {
    inflows: Inflow[];
    totalMinor: number;
    count: number;
    doubtful: { count: number; totalMinor: number };
    byBucket: number[];
  };
  history: HistoryForecast;
  /** Balances by date, both runway definitions, drivers and data gaps: the one cash engine. */
  outlook: CashOutlook;
  /** The cash view the replies print, read off the outlook (P50 balances, expected runway). */
  cash: CashProjection;
  calibration: Calibration;
  /** Outcomes of each open deal's similar closed deals, as the simulation used them. */
  similar: Record<string, NeighbourStats>;
  topDeals: DealProjection[];
  /** `capped`: deals left to the rules because of MAX_MODEL_CALLS_PER_QUESTION. */
  llm: { asked: number; used: number; overridden: number; failed: number; capped: number };
  assumptions: string[];
  scenario?: ScenarioResult;
}

/** Open invoices as expected cash: on their due date, or tomorrow when already overdue. */
export function receivableInflows(
  rows: readonly Receivable[],
  today: Date,
  skipDealIds: ReadonlySet<string>,
  currency: string,
) {
  const todayIso = dayOf(today);
  const tomorrow = addDaysIso(todayIso, 1);
  const inflows: Inflow[] = [];
  const doubtful = { count: 0, totalMinor: 0 };
  for (const r of rows) {
    if (r.currency !== currency || (r.dealId && skipDealIds.has(r.dealId))) continue;
    if (diffDaysIso(r.dueOn, todayIso) > DOUBTFUL_AFTER_DAYS) {
      doubtful.count++;
      doubtful.totalMinor += r.outstandingMinor;
    } else inflows.push({ on: maxIso(r.dueOn, tomorrow), amountMinor: r.outstandingMinor });
  }
  return { inflows, doubtful };
}

/**
 * The cashflow report of a tenant: every open deal projected by the rules (and the LLM when one is
 * configured), aggregated into buckets, open receivables, a forecast of collections from history,
 * the cash position and runway, and optionally a "deal slips N days" scenario. Read-only.
 */
export async function cashflowReport(
  deps: Deps,
  tenantId: string,
  opts: CashflowOptions = {},
): Promise<CashflowReport> {
  const now = deps.clock.now();
  const todayIso = dayOf(now);
  const currency = (await getTenant(deps.db, tenantId))?.currency ?? "USD";
  const useLlm = deps.llm.hasModel();

  const data = await deps.db.tenantTx(tenantId, async (tx) => {
    const deals = await listDeals(tx, now, { status: "open" });
    const stageRules = await loadStageRules(tx);
    const payments = await loadPayments(tx, todayIso);
    const receivables = await loadReceivables(tx);
    const series = await loadSeries(tx, ["cash_balance", "monthly_expenses", "expenses"], todayIso);
    const found = opts.scenario ? await findDeal(tx, now, opts.scenario.deal) : undefined;
    const history = await loadCalibrationHistory(tx);
    const histories = new Map<string, string>();
    if (useLlm)
      for (const d of deals) if (!d.isInvoiced) histories.set(d.id, await dealHistoryText(tx, d.id));
    return { deals, stageRules, payments, receivables, series, found, histories, history };
  });

  const rules = makeRules(data.stageRules, opts.rules);
  const excluded = data.deals
    .filter((d) => d.currency !== currency)
    .map((d) => ({ dealName: d.name, reason: `in ${d.currency}, report is in ${currency}` }));
  const deals = data.deals.filter((d) => d.currency === currency);
  const llm = { asked: 0, used: 0, overridden: 0, failed: 0, capped: 0 };
  const askModel = new Set(
    useLlm
      ? deals
          .filter((d) => !d.isInvoiced)
          .sort(
            (a, b) => b.valueMinor * b.probability - a.valueMinor * a.probability || a.id.localeCompare(b.id),
          )
          .slice(0, MAX_MODEL_CALLS_PER_QUESTION)
          .map((d) => d.id)
      : [],
  );
  if (useLlm) llm.capped = deals.filter((d) => !d.isInvoiced && !askModel.has(d.id)).length;
  // Model calls run outside the transaction so no connection is held while waiting on a provider.
  const projections = await mapLimit(deals, useLlm ? LLM_CONCURRENCY : deals.length, async (d) => {
    const base = projectDeal(d, rules, now);
    if (!askModel.has(d.id)) return base;
    llm.asked++;
    const outcome = await predictDates(
      deps.llm,
      { tenantId, userId: opts.userId, feature: "cashflow" },
      predictionVariables(d, rules, now, data.histories.get(d.id) ?? ""),
    );
    if (!outcome.ok)
      deps.logger.warn({ dealId: d.id, error: outcome.error }, "cashflow prediction failed; rules used");
    const p = applyPrediction(base, outcome, rules, now);
    if (!outcome.ok) llm.failed++;
    else if (p.method === "llm") llm.used++;
    else llm.overridden++;
    return p;
  });

  // A scenario without an explicit horizon stretches it to show where the slipped payment lands.
  const target = data.found?.deal;
  const shifted =
    opts.scenario && target && projections.some((p) => p.dealId === target.id)
      ? applyScenario(projections, { dealId: target.id, slipDays: opts.scenario.slipDays }, rules, now)
      : undefined;
  // The horizon is the one asked for (default 90 days), with or without a scenario: a slipped payment
  // that lands beyond it is said so in words rather than by silently stretching the window.
  const horizonDays = Math.min(opts.horizonDays ?? DEFAULT_HORIZON_DAYS, RUNWAY_SEARCH_DAYS);
  const bucket = opts.bucket ?? defaultBucket(horizonDays);
  const aggregation = aggregate(projections, bucket, { today: now, days: horizonDays });
  const invoicedDealIds = new Set(projections.filter((p) => p.invoicedStage).map((p) => p.dealId));
  const rec = receivableInflows(
    data.receivables.filter((r) => r.currency === currency),
    now,
    invoicedDealIds,
    currency,
  );
  const receivables = {
    inflows: rec.inflows,
    totalMinor: rec.inflows.reduce((s, f) => s + f.amountMinor, 0),
    count: rec.inflows.length,
    doubtful: rec.doubtful,
    byBucket: sumByBucket(rec.inflows, aggregation.buckets),
  };
  const history = await forecastCollections(
    collectionsHistory(data.payments, bucket, now),
    aggregation.buckets,
    bucket,
    now,
  );
  // Similar past deals of every open deal still to be won (same search as `deal NAME`, whole tenant).
  const similar = new Map<string, NeighbourStats>();
  const openIds = deals.filter((d) => !d.isInvoiced).map((d) => d.id);
  const search = openIds.length
    ? await findSimilarDeals(deps, tenantId, openIds, { userId: opts.userId })
    : undefined;
  for (const [id, r] of search?.results ?? []) if (r.ok) similar.set(id, r.stats);
  const basis = cashBasis(data.series, data.payments, now);
  const calibration = calibrate(data.history, data.stageRules);
  const expenses =
    data.series.find((s) => s.key === "monthly_expenses" && s.points.length) ??
    data.series.find((s) => s.key === "expenses" && s.points.length);
  const outlookOf = (slip?: { id: string; days: number }) =>
    buildOutlook({
      tenantId,
      today: now,
      todayIso,
      currency,
      basis,
      burnSdMinor: expenses ? burnSpread(expenses.points, expenses.frequency) : 0,
      deals,
      projections,
      receivables: data.receivables,
      rules,
      calibration,
      horizonDays,
      at: [...aggregation.buckets.map((b) => b.end), ...(opts.at ?? [])],
      similar,
      slip,
      paths: opts.paths,
    });
  const outlook = outlookOf();
  const cash = cashFromOutlook(outlook, aggregation.buckets);

  const inHorizon = (p: DealProjection) => p.paidOn > todayIso && p.paidOn <= aggregation.to;
  const topDeals = projections
    .filter(inHorizon)
    .sort((a, b) => b.weightedMinor - a.weightedMinor || a.paidOn.localeCompare(b.paidOn))
    .slice(0, 5);

  let scenario: ScenarioResult | undefined;
  if (opts.scenario && data.found) {
    const before = target && projections.find((p) => p.dealId === target.id);
    if (!target)
      scenario = {
        ok: false,
        reason: `No single deal matches "${opts.scenario.deal}".`,
        candidates: data.found.candidates.map((c) => c.name),
      };
    else if (!before || !shifted)
      scenario = {
        ok: false,
        reason: `"${target.name}" is ${target.status === "open" ? `in ${target.currency}, not ${currency}` : target.status}, so it is not in the forecast.`,
        candidates: [],
      };
    else {
      const after = shifted.find((p) => p.dealId === target.id)!;
      const sAgg = aggregate(shifted, bucket, { today: now, days: horizonDays });
      const sOutlook = outlookOf({ id: target.id, days: opts.scenario.slipDays });
      const sCash = cashFromOutlook(sOutlook, sAgg.buckets);
      scenario = {
        ok: true,
        dealId: target.id,
        dealName: target.name,
        slipDays: opts.scenario.slipDays,
        before: { invoiceOn: before.invoiceOn, paidOn: before.paidOn },
        after: { invoiceOn: after.invoiceOn, paidOn: after.paidOn },
        aggregation: sAgg,
        cash: sCash,
        outlook: sOutlook,
        delta: compareScenario({ aggregation, cash }, { aggregation: sAgg, cash: sCash }),
      };
    }
  }

  const assumptions = [
    ...describeRules(rules),
    `Open receivables: open invoices' outstanding amounts on their due date (tomorrow if overdue); invoices more than ${DOUBTFUL_AFTER_DAYS} d overdue are doubtful and left out; invoices of deals in an invoiced stage are counted once, via the deal.`,
    "History: payments per calendar period forecast by the forecast engine (model chosen by backtest), pro-rated by days for clipped periods; shown beside the pipeline, not added to it, because past collections came from past deals.",
    `Cash position: ${basis.openingSource}. Burn: ${basis.burnSource}.`,
    `Balances by date: the median of ${outlook.paths} seeded simulated paths (P10–P90 band beside it) over learned win rates, cycle times and payment delays, and monthly burn.`,
    "Cash runway = today's balance ÷ monthly burn (no new money). Expected runway = the median day the simulated balance first goes below zero.",
    summarizeCalibration(calibration),
    similar.size
      ? `Similar past deals: each open deal's ${DEFAULT_K} most similar of the ${search?.pool ?? 0} most recent closed deals move its win probability (those that reached its stage, against ${CALIBRATION_PRIOR.stageWin} pseudo-deals at the calibrated rate) and its days to invoice (won ones' median from this stage, against ${CALIBRATION_PRIOR.cycle} pseudo-deals at the rules' date).`
      : `Similar past deals: ${search && search.pool > 0 ? `only ${search.pool} closed deals, too few to compare with` : "no closed deals yet"}; stage rates alone.`,
    ...(outlook.dataGaps.length
      ? [
          `Data gap: ${outlook.dataGaps.length} deal(s) sit in an invoiced stage with no invoice on file (${outlook.dataGaps.map((g) => g.dealName).join(", ")}); they are counted as receivables due after their terms — add the invoices so collections and reminders see them.`,
        ]
      : []),
    ...(excluded.length ? [`Left out (other currency): ${excluded.map((e) => e.dealName).join(", ")}.`] : []),
  ];

  return {
    today: todayIso,
    currency,
    horizonDays,
    bucket,
    rules,
    projections,
    excluded,
    aggregation,
    next: [30, 60, 90].map((days) => ({ days, ...collectedWithin(projections, now, days) })),
    receivables,
    history,
    outlook,
    cash,
    calibration,
    similar: Object.fromEntries(similar),
    topDeals,
    llm,
    assumptions,
    scenario,
  };
}

/**
 * Opening cash is the latest `cash_balance` point (the only honest source: Keel does not see the
 * bank). Burn is `monthly_expenses` (or `expenses`) when tracked; otherwise it is derived from the
 * last three months of collections, i.e. it assumes the business spends what it collects.
 */
export function cashBasis(
  series: readonly {
    key: string;
    frequency: "day" | "week" | "month";
    points: { on: string; value: number }[];
  }[],
  payments: readonly { paidOn: string; amountMinor: number }[],
  today: Date,
): CashBasis {
  const todayIso = dayOf(today);
  const balance = series
    .find((s) => s.key === "cash_balance")
    ?.points.filter((p) => p.on <= todayIso)
    .at(-1);
  const expenses =
    series.find((s) => s.key === "monthly_expenses" && s.points.length) ??
    series.find((s) => s.key === "expenses" && s.points.length);
  const fromSeries = expenses
    ? monthlyFromExpenseSeries(expenses.points, expenses.frequency, todayIso)
    : null;
  const derived = fromSeries === null ? trailingMonthlyCollections(payments, today) : null;
  return {
    openingMinor: balance ? toMinor(balance.value) : null,
    openingOn: balance?.on,
    openingSource: balance
      ? `cash_balance metric on ${balance.on}`
      : "unknown (no cash_balance metric series): positions show the net change from today and runway is not computed",
    monthlyBurnMinor: fromSeries ?? derived,
    burnSource:
      fromSeries !== null
        ? `${expenses!.key} metric series (${expenses!.frequency === "month" ? "mean of the last 3 months" : "last 90 days scaled to a month"})`
        : derived !== null
          ? "derived: average monthly collections over the last 3 full months (assumes the business spends what it collects; add a monthly_expenses series for a real figure)"
          : "unknown (no expense series and under 3 months of collections): none assumed",
  };
}

/** The reply-facing cash view, read off the outlook: median balances at bucket ends and the expected runway. */
export function cashFromOutlook(
  o: CashOutlook,
  buckets: readonly { label: string; end: string }[],
): CashProjection {
  const at = (iso: string) => bandOn(o, iso)?.p50 ?? o.basis.openingMinor ?? 0;
  const horizonOn = addDaysIso(o.today, o.horizonDays);
  const runway: Runway = o.expectedRunway;
  return {
    basis: o.basis,
    positions: buckets.map((b) => ({ label: b.label, end: b.end, balanceMinor: at(b.end) })),
    balanceAtHorizonMinor: at(horizonOn),
    runway,
  };
}
