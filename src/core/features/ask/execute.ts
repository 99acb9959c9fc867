import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { resultRows } from "../../infra/db/client.js";
import type { Source } from "../../ports/reply.js";
import { canReadMetric, type DataScope, type Role } from "../auth/index.js";
import { isLevelMetric } from "../forecast/index.js";
import { goalPacesFor } from "../goals/index.js";
import { paidPerInvoice } from "../invoices/index.js";
import { allowed, DEFINITIONS } from "./definitions.js";
import type { BusinessQuery } from "./query.js";
import {
  addDaysIso,
  type CalendarSettings,
  previousWindow,
  type ResolvedWindow,
  resolveWindow,
} from "./window.js";

/** One computed number with its unit; money in minor units. */
export interface Figure {
  value: number | null;
  unit: "money" | "count" | "days" | "pct" | "number";
  /** For metrics: the series unit ("USD", "%", "orders"). */
  unitLabel?: string;
}

export interface ResultRow {
  label: string;
  figure: Figure;
  /** Extra columns for deal rows: stage, owner, days in stage. */
  detail?: string;
  /** Deal rows: the columns behind `detail`, typed (a model phrasing the row gets these as facts). */
  deal?: { stage: string; owner: string | null; daysInStage: number; stuck: boolean };
  /** The entity behind the row, for follow-ups ("remind them", "that deal"). */
  ref?: { type: "deal" | "customer" | "owner"; id: string; name: string; via?: "invoice" };
}

export interface QueryResult {
  ok: true;
  query: BusinessQuery;
  title: string;
  window?: ResolvedWindow;
  figure?: Figure;
  previous?: { window: ResolvedWindow; figure: Figure };
  /** "vs target": the active goals on this metric with their pace (empty: no target set). */
  targets?: {
    title: string;
    actual: number | null;
    expected: number;
    target: number;
    deadline: string;
    unit: string;
  }[];
  rows?: ResultRow[];
  sources: Source[];
}

export type ExecuteOutcome =
  | QueryResult
  | { ok: false; reason: "forbidden" | "no_data" | "no_metric"; message: string };

export interface ExecuteContext {
  today: string;
  calendar: CalendarSettings;
  currency: string;
  scope: DataScope;
  role: Role;
}

const rows = async <T>(tx: Tx, q: SQL) => resultRows<T>(await tx.execute(q));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Conditions on deals `d` (joined with stages `s`, users `u`) from the filters and the role's scope. */
function dealWhere(
  q: BusinessQuery,
  ctx: ExecuteContext,
  w: ResolvedWindow | undefined,
  defaultStatus?: string,
) {
  const f = q.filters;
  const conds: SQL[] = [sql`true`];
  const status = f.closing ? "open" : (f.status ?? defaultStatus);
  if (status) conds.push(sql`d.status = ${status}`);
  if (f.stage) conds.push(sql`s.name ilike ${`%${f.stage}%`}`);
  if (f.ownerId) conds.push(sql`d.owner_user_id = ${f.ownerId}`);
  if (f.customer)
    conds.push(sql`(d.company ilike ${`%${f.customer}%`} or d.name ilike ${`%${f.customer}%`})`);
  if (f.dealId) conds.push(sql`d.id = ${f.dealId}`);
  if (f.minAmount !== undefined) conds.push(sql`d.value_minor >= ${Math.round(f.minAmount * 100)}`);
  if (f.stuck)
    conds.push(
      sql`d.status = 'open' and d.stage_entered_at < now() - make_interval(days => s.stuck_after_days)`,
    );
  if (ctx.scope.deals === "own") conds.push(sql`d.owner_user_id = ${ctx.scope.userId}`);
  if (f.closing)
    conds.push(
      w
        ? sql`d.expected_close_on >= ${w.from}::date and d.expected_close_on < ${w.to}::date`
        : sql`d.expected_close_on is not null`,
    );
  else if (w) {
    // Closed deals are dated by when they closed, open ones by when they were created.
    const at = sql`(case when d.status in ('won','lost') then d.stage_entered_at else d.created_at end)`;
    conds.push(sql`${at} >= ${w.from}::date and ${at} < ${w.to}::date`);
  }
  return sql.join(conds, sql` and `);
}

const DEAL_FROM = sql`deals d join stages s on s.id = d.stage_id left join users u on u.id = d.owner_user_id`;

function groupKey(q: BusinessQuery): { key: SQL; label: SQL } | null {
  switch (q.groupBy) {
    case "owner":
      return { key: sql`coalesce(d.owner_user_id::text, '')`, label: sql`coalesce(u.name, 'unassigned')` };
    case "stage":
      return { key: sql`s.name`, label: sql`s.name` };
    case "customer":
      return { key: sql`coalesce(d.company, d.name)`, label: sql`coalesce(d.company, d.name)` };
    case "month":
      return {
        key: sql`to_char(case when d.status in ('won','lost') then d.stage_entered_at else d.created_at end, 'YYYY-MM')`,
        label: sql`to_char(case when d.status in ('won','lost') then d.stage_entered_at else d.created_at end, 'YYYY-MM')`,
      };
    default:
      return null;
  }
}

/** The aggregate expression of a deal measure and its default status. */
function dealAggregate(q: BusinessQuery): { agg: SQL; unit: Figure["unit"]; status?: string } {
  switch (q.measure) {
    case "pipeline_value":
      return { agg: sql`coalesce(sum(d.value_minor), 0)`, unit: "money", status: "open" };
    case "deal_count":
      return { agg: sql`count(*)`, unit: "count", status: q.window ? undefined : "open" };
    case "won_value":
      return { agg: sql`coalesce(sum(d.value_minor), 0)`, unit: "money", status: "won" };
    case "avg_deal_size":
      return { agg: sql`round(avg(d.value_minor))`, unit: "money", status: "won" };
    case "cycle_time":
      return {
        agg: sql`round(avg(extract(epoch from (d.stage_entered_at - d.created_at)) / 86400)::numeric, 1)`,
        unit: "days",
        status: "won",
      };
    default:
      // win_rate: won ÷ (won + lost), in percent.
      return {
        agg: sql`round(100.0 * count(*) filter (where d.status = 'won') / nullif(count(*) filter (where d.status in ('won','lost')), 0), 1)`,
        unit: "pct",
      };
  }
}

async function dealMeasure(tx: Tx, q: BusinessQuery, ctx: ExecuteContext, w: ResolvedWindow | undefined) {
  const { agg, unit, status } = dealAggregate(q);
  const where = dealWhere(q, ctx, w, status);
  const g = groupKey(q);
  if (!g) {
    const [r] = await rows<{ v: unknown }>(tx, sql`select ${agg} as v from ${DEAL_FROM} where ${where}`);
    return { figure: { value: num(r?.v), unit } as Figure };
  }
  const order = q.rank?.order === "bottom" ? sql`asc` : sql`desc`;
  const byMonth = q.groupBy === "month";
  const list = await rows<{ k: string; l: string; v: unknown }>(
    tx,
    sql`select ${g.key} as k, ${g.label} as l, ${agg} as v from ${DEAL_FROM} where ${where}
        group by 1, 2 order by ${byMonth ? sql`1 asc` : sql`3 ${order} nulls last`} limit ${q.rank?.limit ?? 20}`,
  );
  return {
    rows: list.map(
      (r): ResultRow => ({
        label: r.l,
        figure: { value: num(r.v), unit },
        ref:
          q.groupBy === "owner" && r.k
            ? { type: "owner", id: r.k, name: r.l }
            : q.groupBy === "customer"
              ? { type: "customer", id: r.k, name: r.l }
              : undefined,
      }),
    ),
  };
}

async function dealRows(tx: Tx, q: BusinessQuery, ctx: ExecuteContext, w: ResolvedWindow | undefined) {
  const where = dealWhere(q, ctx, w, q.filters.status ? undefined : "open");
  const order = q.rank?.order === "bottom" ? sql`asc` : sql`desc`;
  const list = await rows<{
    id: string;
    name: string;
    company: string | null;
    v: string;
    stage: string;
    owner: string | null;
    days: string;
    stuck: boolean;
    close_on: string | null;
  }>(
    tx,
    sql`select d.id, d.name, d.company, d.value_minor as v, s.name as stage, u.name as owner,
               to_char(d.expected_close_on, 'YYYY-MM-DD') as close_on,
               floor(extract(epoch from (${ctx.today}::date + 1 - d.stage_entered_at)) / 86400) as days,
               (d.status = 'open' and d.stage_entered_at < now() - make_interval(days => s.stuck_after_days)) as stuck
          from ${DEAL_FROM} where ${where} order by d.value_minor ${order}, d.name limit ${q.rank?.limit ?? 10}`,
  );
  return list.map(
    (r): ResultRow => ({
      label: r.name,
      figure: { value: Number(r.v), unit: "money" },
      detail: `${r.stage} · ${r.owner ?? "unassigned"} · ${Number(r.days)} d${r.stuck ? " · stuck" : ""}${q.filters.closing && r.close_on ? ` · expected to close ${r.close_on}` : ""}`,
      deal: { stage: r.stage, owner: r.owner, daysInStage: Number(r.days), stuck: Boolean(r.stuck) },
      ref: { type: "deal", id: r.id, name: r.name },
    }),
  );
}

/**
 * Outstanding per open invoice (amount − what was paid of it, by the invoices feature's one rule),
 * as a subquery `o`.
 */
function openBalances(tx: Tx) {
  const paid = paidPerInvoice(tx);
  return sql`(select i.id, i.customer, i.due_on, i.issued_on, i.amount_minor - coalesce(${paid.paid}, 0) as out
    from invoices i left join ${paid} on ${paid.invoiceId} = i.id where i.status = 'open') o`;
}

async function invoiceMeasure(tx: Tx, q: BusinessQuery, ctx: ExecuteContext, w: ResolvedWindow | undefined) {
  const customer = q.filters.customer ? sql` and o.customer ilike ${`%${q.filters.customer}%`}` : sql``;
  const overdue = q.measure === "overdue_balance" ? sql` and o.due_on < ${ctx.today}::date` : sql``;
  if (q.measure === "outstanding_balance" || q.measure === "overdue_balance") {
    if (q.groupBy === "customer" || q.rank) {
      const order = q.rank?.order === "bottom" ? sql`asc` : sql`desc`;
      const list = await rows<{ c: string; v: string }>(
        tx,
        sql`select o.customer as c, sum(o.out) as v from ${openBalances(tx)} where o.out > 0${overdue}${customer}
            group by 1 order by 2 ${order} limit ${q.rank?.limit ?? 10}`,
      );
      return {
        rows: list.map(
          (r): ResultRow => ({
            label: r.c,
            figure: { value: Number(r.v), unit: "money" },
            ref: { type: "customer", id: r.c, name: r.c, via: "invoice" },
          }),
        ),
      };
    }
    const [r] = await rows<{ v: string }>(
      tx,
      sql`select coalesce(sum(o.out), 0) as v from ${openBalances(tx)} where o.out > 0${overdue}${customer}`,
    );
    return { figure: { value: Number(r?.v ?? 0), unit: "money" } as Figure };
  }
  if (q.measure === "dso") {
    const win = w!;
    const days = Math.round((Date.parse(win.to) - Date.parse(win.from)) / 86_400_000);
    const [r] = await rows<{ ar: string; inv: string }>(
      tx,
      sql`select (select coalesce(sum(o.out), 0) from ${openBalances(tx)} where o.out > 0) as ar,
                 (select coalesce(sum(amount_minor), 0) from invoices where status <> 'void'
                   and issued_on >= ${win.from}::date and issued_on < ${win.to}::date) as inv`,
    );
    const inv = Number(r?.inv ?? 0);
    return {
      figure: {
        value: inv > 0 ? Math.round((Number(r!.ar) / inv) * days * 10) / 10 : null,
        unit: "days",
      } as Figure,
    };
  }
  const win = w!;
  const cust = q.filters.customer ? sql` and i.customer ilike ${`%${q.filters.customer}%`}` : sql``;
  const base =
    q.measure === "invoiced"
      ? {
          v: sql`i.amount_minor`,
          from: sql`invoices i`,
          at: sql`i.issued_on`,
          extra: sql` and i.status <> 'void'`,
        }
      : {
          v: sql`p.amount_minor`,
          from: sql`payments p join invoices i on i.id = p.invoice_id`,
          at: sql`p.paid_on`,
          extra: sql``,
        };
  const where = sql`${base.at} >= ${win.from}::date and ${base.at} < ${win.to}::date${base.extra}${cust}`;
  if (q.groupBy === "customer" || q.groupBy === "month") {
    const k = q.groupBy === "customer" ? sql`i.customer` : sql`to_char(${base.at}, 'YYYY-MM')`;
    const order = q.groupBy === "month" ? sql`1 asc` : q.rank?.order === "bottom" ? sql`2 asc` : sql`2 desc`;
    const list = await rows<{ k: string; v: string }>(
      tx,
      sql`select ${k} as k, sum(${base.v}) as v from ${base.from} where ${where} group by 1 order by ${order} limit ${q.rank?.limit ?? 20}`,
    );
    return {
      rows: list.map((r): ResultRow => ({ label: r.k, figure: { value: Number(r.v), unit: "money" } })),
    };
  }
  const [r] = await rows<{ v: string }>(
    tx,
    sql`select coalesce(sum(${base.v}), 0) as v from ${base.from} where ${where}`,
  );
  return { figure: { value: Number(r?.v ?? 0), unit: "money" } as Figure };
}

const REVENUE_KEYS = ["revenue", "sales", "revenue_daily", "gross_revenue"];

async function metricMeasure(tx: Tx, key: string, w: ResolvedWindow, groupBy?: string) {
  const [s] = await rows<{ id: string; key: string; name: string; unit: string }>(
    tx,
    sql`select id, key, name, unit from metric_series where key = ${key}`,
  );
  if (!s) return null;
  const level = isLevelMetric(s.key, s.unit);
  const where = sql`series_id = ${s.id} and "on" >= ${w.from}::date and "on" < ${w.to}::date`;
  const agg = level ? sql`(array_agg(value order by "on" desc))[1]` : sql`sum(value)`;
  // Money metrics are stored in major units; figures carry minor units like every other amount.
  const money = /^(usd|eur|gbp|\$|€|£|[A-Z]{3})$/.test(s.unit) || s.key.includes("revenue");
  const unit: Figure["unit"] = money ? "money" : s.unit === "%" ? "pct" : "number";
  const scale = (v: unknown) =>
    v === null || v === undefined
      ? null
      : money
        ? Math.round(Number(v) * 100)
        : Math.round(Number(v) * 100) / 100;
  if (groupBy === "month") {
    const list = await rows<{ k: string; v: string }>(
      tx,
      sql`select to_char("on", 'YYYY-MM') as k, ${agg} as v from metric_points where ${where} group by 1 order by 1`,
    );
    return {
      series: s,
      level,
      rows: list.map(
        (r): ResultRow => ({ label: r.k, figure: { value: scale(r.v), unit, unitLabel: s.unit } }),
      ),
    };
  }
  const [r] = await rows<{ v: unknown; n: string; last: string | null }>(
    tx,
    sql`select ${agg} as v, count(*) as n, to_char(max("on"), 'YYYY-MM-DD') as last from metric_points where ${where}`,
  );
  return {
    series: s,
    level,
    /** The day of the newest point in the window: a level's figure is its value on that day. */
    lastOn: r?.last ?? undefined,
    figure: { value: Number(r?.n ?? 0) > 0 ? scale(r?.v) : null, unit, unitLabel: s.unit } as Figure,
  };
}

/**
 * Executes a validated query in the tenant's transaction. The role's scope is applied here, to the
 * data, whatever the question: a measure the role may not see is refused, deal measures cover only
 * a rep's own deals. Every result carries its definition as a source.
 */
export async function executeQuery(tx: Tx, q: BusinessQuery, ctx: ExecuteContext): Promise<ExecuteOutcome> {
  const def = DEFINITIONS[q.measure];
  if (!allowed(q.measure, ctx.scope)) return { ok: false, reason: "forbidden", message: def.needs };
  const winSpec = q.window ?? def.defaultWindow;
  const w = winSpec
    ? resolveWindow(winSpec, ctx.today, ctx.calendar, { whole: Boolean(q.filters.closing) })
    : undefined;
  const mine = ctx.scope.deals === "own" && def.needs === "deals" ? " (your deals)" : "";
  const sources: Source[] = [
    {
      label: `${def.label}${mine}`,
      detail: `${def.definition}${w ? `; period ${w.from} to ${w.to} (exclusive)` : `; as of ${ctx.today}`}`,
    },
  ];
  const closing = q.filters.closing
    ? " expected to close"
    : q.filters.status && q.filters.status !== "open" && (q.measure === "deals" || q.measure === "deal_count")
      ? ` ${q.filters.status}`
      : "";
  if (q.filters.closing) sources[0]!.detail += "; open deals dated by their expected close date";
  const title = `${def.label}${closing}${mine}`;
  const run = async (win: ResolvedWindow | undefined) => {
    switch (q.measure) {
      case "deals":
        return { rows: await dealRows(tx, q, ctx, win) };
      case "pipeline_value":
      case "deal_count":
      case "won_value":
      case "win_rate":
      case "avg_deal_size":
      case "cycle_time":
        return dealMeasure(tx, q, ctx, win);
      case "invoiced":
      case "collected_cash":
      case "outstanding_balance":
      case "overdue_balance":
      case "dso":
        return invoiceMeasure(tx, q, ctx, win);
      case "overview":
        return {
          rows: await dealRows(tx, { ...q, filters: { ...q.filters, status: undefined } }, ctx, undefined),
        };
      default:
        return null;
    }
  };
  if (q.measure === "revenue" || q.measure === "metric") {
    let key = q.metric;
    if (q.measure === "revenue") {
      const have = await rows<{ key: string }>(
        tx,
        sql`select key from metric_series where key in (${sql.join(
          REVENUE_KEYS.map((k) => sql`${k}`),
          sql`, `,
        )})`,
      );
      key = REVENUE_KEYS.find((k) => have.some((h) => h.key === k));
      if (!key) {
        if (!ctx.scope.invoices) return { ok: false, reason: "no_metric", message: "revenue" };
        return executeQuery(tx, { ...q, measure: "invoiced" }, ctx);
      }
    }
    if (!key) return { ok: false, reason: "no_metric", message: q.metric ?? "" };
    if (!canReadMetric({ role: ctx.role }, key)) return { ok: false, reason: "forbidden", message: "cash" };
    const cur = await metricMeasure(tx, key, w!, q.groupBy);
    if (!cur) return { ok: false, reason: "no_metric", message: key };
    const label = q.measure === "revenue" ? "Revenue" : cur.series.name;
    const src: Source = {
      label,
      detail: `${q.measure === "revenue" ? DEFINITIONS.revenue.definition : DEFINITIONS.metric.definition}; series "${cur.series.key}" (${cur.level ? "level: last value" : "flow: sum"}), period ${w!.from} to ${w!.to} (exclusive)`,
    };
    const prevW =
      q.compare === "previous_period" ? previousWindow(winSpec!, ctx.today, ctx.calendar) : undefined;
    const prev = prevW ? await metricMeasure(tx, key, prevW) : undefined;
    const targets =
      q.compare === "target"
        ? (await goalPacesFor(tx, key, new Date(`${ctx.today}T12:00:00Z`))).map((p) => ({
            title: p.title,
            actual: p.actual,
            expected: p.expected,
            target: p.target,
            deadline: p.deadline,
            unit: p.unit,
          }))
        : undefined;
    if (targets?.length)
      src.detail += `; target: the active goal's own measure (${targets.map((t) => t.title).join("; ")})`;
    // A level (a balance, a headcount) asked for without a period is its latest value: say on which
    // day, not "the last 30 days" as if it were summed over them.
    const asOf =
      cur.level && !q.window && !q.groupBy && "lastOn" in cur && cur.lastOn
        ? {
            from: cur.lastOn,
            to: addDaysIso(cur.lastOn, 1),
            label: `as of ${cur.lastOn}`,
            toDate: false,
          }
        : undefined;
    return {
      ok: true,
      query: { ...q, metric: key },
      title: label,
      targets,
      window: asOf ?? w,
      figure: cur.figure,
      rows: cur.rows,
      previous: prevW && prev?.figure ? { window: prevW, figure: prev.figure } : undefined,
      sources: [src],
    };
  }
  const cur = await run(w);
  if (!cur) return { ok: false, reason: "no_data", message: q.measure };
  let previous: QueryResult["previous"];
  if (q.compare === "previous_period" && winSpec && "figure" in cur && cur.figure) {
    const pw = previousWindow(winSpec, ctx.today, ctx.calendar);
    const p = await run(pw);
    if (p && "figure" in p && p.figure) previous = { window: pw, figure: p.figure };
  }
  if (q.measure === "overview" && ctx.scope.invoices && q.filters.customer) {
    const inv = await invoiceMeasure(
      tx,
      { ...q, measure: "outstanding_balance", groupBy: "customer" },
      ctx,
      undefined,
    );
    const extra = (inv.rows ?? []).map((r) => ({ ...r, label: `Owed by ${r.label}`, ref: undefined }));
    sources.push({ label: "Owed to you", detail: DEFINITIONS.outstanding_balance.definition });
    return {
      ok: true,
      query: q,
      title,
      rows: [...("rows" in cur ? (cur.rows ?? []) : []), ...extra],
      sources,
    };
  }
  return {
    ok: true,
    query: q,
    title,
    window: w,
    figure: "figure" in cur ? cur.figure : undefined,
    rows: "rows" in cur ? cur.rows : undefined,
    previous,
    sources,
  };
}
