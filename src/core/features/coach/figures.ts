import { and, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import {
  deals,
  invoices,
  metricPoints,
  metricSeries,
  payments,
  stages,
} from "../../infra/db/schema/index.js";
import type { Fact } from "../../infra/llm/index.js";
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { Source } from "../../ports/reply.js";
import type { DataScope } from "../auth/index.js";
import { paidPerInvoice } from "../invoices/index.js";
import { count, day, money, percent, ratio, type TypedFact } from "../provenance/index.js";
import { isoDay, shiftDays } from "./format.js";

/**
 * The tenant's key figures, computed by SQL in the tenant's transaction (RLS applies). The coach's
 * model only ever phrases these; every figure carries the query it came from as a Source.
 */
export interface BusinessFigures {
  asOf: string;
  currency: string;
  pipeline: { stage: string; count: number; valueMinor: number }[];
  openDeals: number;
  openValueMinor: number;
  stuckDeals: number;
  /** Whose deals the pipeline figures cover: the whole tenant, or only the asker's own. */
  dealsScope: "all" | "own";
  /** null: the asker's role may not see invoices. */
  overdue: { count: number; amountMinor: number } | null;
  revenue: { key: string; last30: number; prev30: number } | null;
  /** null: the asker's role may not see cash. */
  cashCollected30Minor: number | null;
  /** Figures left out because of the asker's role (named, so the answer can say so). */
  hidden: string[];
}

const REVENUE_KEYS = ["revenue", "sales", "revenue_daily", "gross_revenue"];

/** Everything, for callers that act for the whole business (jobs, owners). */
const ALL: DataScope = { deals: "all", userId: "", invoices: true, cash: true, metrics: true, usage: true };

export async function computeFigures(
  tx: Tx,
  today: Date,
  currency: string,
  scope: DataScope = ALL,
): Promise<BusinessFigures> {
  const day = isoDay(today);
  const hidden: string[] = [];
  const own = scope.deals === "own" ? eq(deals.ownerUserId, scope.userId) : undefined;
  // A role without deals.read sees no pipeline at all: the owner filter matches nothing.
  const dealFilter = scope.deals === "none" ? sql`false` : own;
  if (scope.deals === "none") hidden.push("pipeline");
  const pipeline = await tx
    .select({
      stage: stages.name,
      position: stages.position,
      count: sql<string>`count(*)`,
      value: sql<string>`coalesce(sum(${deals.valueMinor}), 0)`,
    })
    .from(deals)
    .innerJoin(stages, eq(stages.id, deals.stageId))
    .where(and(eq(deals.status, "open"), dealFilter))
    .groupBy(stages.name, stages.position)
    .orderBy(stages.position);
  const [stuck] = await tx
    .select({ n: sql<string>`count(*)` })
    .from(deals)
    .innerJoin(stages, eq(stages.id, deals.stageId))
    .where(
      and(
        eq(deals.status, "open"),
        dealFilter,
        sql`${deals.stageEnteredAt} < ${today.toISOString()}::timestamptz - make_interval(days => ${stages.stuckAfterDays})`,
      ),
    );
  const paid = paidPerInvoice(tx);
  const [overdue] = !scope.invoices
    ? [undefined]
    : await tx
        .select({
          n: sql<string>`count(*)`,
          amount: sql<string>`coalesce(sum(${invoices.amountMinor} - coalesce(${paid.paid}, 0)), 0)`,
        })
        .from(invoices)
        .leftJoin(paid, eq(paid.invoiceId, invoices.id))
        .where(and(eq(invoices.status, "open"), lt(invoices.dueOn, day)));
  if (!scope.invoices) hidden.push("overdue invoices");
  const series = !scope.metrics
    ? []
    : await tx
        .select({ id: metricSeries.id, key: metricSeries.key })
        .from(metricSeries)
        .where(inArray(metricSeries.key, REVENUE_KEYS));
  if (!scope.metrics) hidden.push("revenue");
  let revenue: BusinessFigures["revenue"] = null;
  const chosen = REVENUE_KEYS.map((k) => series.find((s) => s.key === k)).find(Boolean);
  if (chosen) {
    const d30 = isoDay(shiftDays(today, -30));
    const d60 = isoDay(shiftDays(today, -60));
    const [r] = await tx
      .select({
        last: sql<string>`coalesce(sum(${metricPoints.value}) filter (where ${metricPoints.on} > ${d30}), 0)`,
        prev: sql<string>`coalesce(sum(${metricPoints.value}) filter (where ${metricPoints.on} <= ${d30}), 0)`,
        points: sql<string>`count(*)`,
      })
      .from(metricPoints)
      .where(and(eq(metricPoints.seriesId, chosen.id), gt(metricPoints.on, d60), lte(metricPoints.on, day)));
    if (r && Number(r.points) > 0)
      revenue = { key: chosen.key, last30: Number(r.last), prev30: Number(r.prev) };
  }
  const [cash] = !scope.cash
    ? [undefined]
    : await tx
        .select({ total: sql<string>`coalesce(sum(${payments.amountMinor}), 0)` })
        .from(payments)
        .where(and(gt(payments.paidOn, isoDay(shiftDays(today, -30))), lte(payments.paidOn, day)));
  if (!scope.cash) hidden.push("cash collected");
  const rows = pipeline.map((p) => ({ stage: p.stage, count: Number(p.count), valueMinor: Number(p.value) }));
  return {
    asOf: day,
    currency,
    pipeline: rows,
    openDeals: rows.reduce((n, r) => n + r.count, 0),
    openValueMinor: rows.reduce((n, r) => n + r.valueMinor, 0),
    stuckDeals: Number(stuck?.n ?? 0),
    dealsScope: scope.deals === "own" ? "own" : "all",
    overdue: scope.invoices
      ? { count: Number(overdue?.n ?? 0), amountMinor: Number(overdue?.amount ?? 0) }
      : null,
    revenue,
    cashCollected30Minor: scope.cash ? Number(cash?.total ?? 0) : null,
    hidden,
  };
}

/** Facts (for prompts and the offline provider) and the Sources that back them. */
export function describeFigures(
  f: BusinessFigures,
  /** How a name people typed (a stage) is written: the model's copy quotes it as data. */
  name: (s: string) => string = (s) => s,
): { facts: Fact[]; sources: Source[]; text: string } {
  const m = (minor: number) => formatMoney(minor, f.currency);
  const facts: Fact[] = [];
  const sources: Source[] = [];
  const byStage = f.pipeline.map((p) => `${name(p.stage)} ${p.count} · ${m(p.valueMinor)}`).join("; ");
  const mine = f.dealsScope === "own";
  facts.push({
    key: "pipeline",
    label: mine ? "Your open pipeline" : "Open pipeline",
    value: f.openDeals
      ? `${m(f.openValueMinor)} across ${plural(f.openDeals, "deal")} (${byStage})`
      : "no open deals",
    topics: ["pipeline"],
  });
  sources.push({
    label: "Open pipeline",
    detail: `deals with status open${mine ? " owned by you" : ""}, summed by stage (${plural(f.openDeals, "deal")}), as of ${f.asOf}`,
  });
  facts.push({
    key: "stuck",
    label: "Stuck deals",
    value: `${f.stuckDeals} (longer in their stage than its limit)`,
    topics: ["pipeline"],
  });
  sources.push({
    label: "Stuck deals",
    detail: "open deals whose days in stage exceed the stage's stuck_after_days",
  });
  if (f.overdue) {
    const o = f.overdue;
    facts.push({
      key: "overdue",
      label: "Overdue invoices",
      value: o.count ? `${m(o.amountMinor)} outstanding on ${plural(o.count, "invoice")}` : "none",
      topics: ["invoices", "cash"],
    });
    sources.push({
      label: "Overdue invoices",
      detail: `open invoices due before ${f.asOf}, amount minus payments received`,
    });
  }
  if (f.revenue) {
    const { last30, prev30, key } = f.revenue;
    const change =
      prev30 > 0
        ? `${last30 >= prev30 ? "+" : ""}${(((last30 - prev30) / prev30) * 100).toFixed(1)}%`
        : "no earlier data";
    facts.push({
      key: "revenue",
      label: "Revenue, last 30 days",
      value: `${m(Math.round(last30 * 100))} vs ${m(Math.round(prev30 * 100))} in the 30 days before (${change})`,
      topics: ["revenue"],
    });
    sources.push({
      label: "Revenue, last 30 days",
      detail: `metric "${key}": sum of daily points, last 30 days vs the 30 before`,
    });
  } else if (!f.hidden.includes("revenue")) {
    facts.push({
      key: "revenue",
      label: "Revenue, last 30 days",
      value: "no revenue metric recorded",
      topics: ["revenue"],
    });
  }
  if (f.cashCollected30Minor !== null) {
    facts.push({
      key: "cash",
      label: "Cash collected, last 30 days",
      value: m(f.cashCollected30Minor),
      topics: ["cash", "invoices"],
    });
    sources.push({ label: "Cash collected", detail: "payments received in the last 30 days" });
  }
  if (f.hidden.length)
    facts.push({
      key: "hidden",
      label: "Not shown for your role",
      value: f.hidden.join(", "),
      topics: [],
    });
  const text = facts.map((x) => `- ${x.label}: ${x.value}`).join("\n");
  return { facts, sources, text };
}

/**
 * The same figures as typed values with ids: the only figures a model-phrased coach reply may state.
 * Stage names are not included (they are data a person typed, not computed figures).
 */
export function figureFacts(f: BusinessFigures): TypedFact[] {
  const c = f.currency;
  const out: TypedFact[] = [
    day("as_of", f.asOf, "As of"),
    money("pipeline.open_value", f.openValueMinor, c, "Open pipeline"),
    count("pipeline.open_deals", f.openDeals, "Open deals"),
    count("pipeline.stuck_deals", f.stuckDeals, "Stuck deals"),
    count("period.days", 30, "Period length"),
  ];
  // Figures the asker's role may not see are absent here too, so a model cannot be "allowed" them.
  if (f.overdue)
    out.push(
      count("invoices.overdue_count", f.overdue.count, "Overdue invoices"),
      money("invoices.overdue_amount", f.overdue.amountMinor, c, "Overdue amount"),
    );
  if (f.cashCollected30Minor !== null)
    out.push(money("cash.collected_30d", f.cashCollected30Minor, c, "Cash collected, last 30 days"));
  for (const [i, p] of f.pipeline.entries()) {
    out.push(count(`pipeline.stage${i + 1}.deals`, p.count, `${p.stage} deals`));
    out.push(money(`pipeline.stage${i + 1}.value`, p.valueMinor, c, `${p.stage} value`));
  }
  if (f.revenue) {
    const { last30, prev30 } = f.revenue;
    out.push(money("revenue.last30", Math.round(last30 * 100), c, "Revenue, last 30 days"));
    out.push(money("revenue.prev30", Math.round(prev30 * 100), c, "Revenue, 30 days before"));
    if (prev30 > 0) {
      out.push(percent("revenue.change_pct", ((last30 - prev30) / prev30) * 100, "Revenue change"));
      out.push(ratio("revenue.ratio", last30 / prev30, "Revenue ratio"));
    }
  }
  return out;
}
