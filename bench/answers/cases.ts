import { sql } from "drizzle-orm";
import type { Tx } from "../../src/core/infra/db/client.js";
import { resultRows } from "../../src/core/infra/db/client.js";

/**
 * The labelled question set: what owners, reps, finance people and viewers type, with the expected
 * answer computed by SQL written here (independently of the executor) against the loaded data.
 */
export type Expected =
  | { kind: "figure"; value: number | null }
  | { kind: "first"; label: string }
  | { kind: "forbidden" }
  | { kind: "clarify" }
  | { kind: "not_understood" };

export interface Case {
  q: string;
  who: string;
  expect: (tx: Tx, today: string) => Promise<Expected>;
}

const one = async (tx: Tx, q: ReturnType<typeof sql>) => {
  const [r] = resultRows<{ v: unknown }>(await tx.execute(q));
  return r?.v === null || r?.v === undefined ? null : Number(r.v);
};
const fig =
  (q: (today: string) => ReturnType<typeof sql>) =>
  async (tx: Tx, today: string): Promise<Expected> => ({ kind: "figure", value: await one(tx, q(today)) });
const forbidden = async (): Promise<Expected> => ({ kind: "forbidden" });

const OUT = sql`(select i.customer, i.due_on, i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0) as out from invoices i where i.status = 'open') o`;
const outstanding = fig(() => sql`select coalesce(sum(out), 0) as v from ${OUT} where out > 0`);
const overdue = fig(
  (d) => sql`select coalesce(sum(out), 0) as v from ${OUT} where out > 0 and due_on < ${d}::date`,
);
const topDebtor = async (tx: Tx): Promise<Expected> => {
  const [r] = resultRows<{ c: string }>(
    await tx.execute(
      sql`select customer as c from ${OUT} where out > 0 group by 1 order by sum(out) desc limit 1`,
    ),
  );
  return { kind: "first", label: r!.c };
};
/** Month bounds of the most recent such month that has started. */
const monthBounds = (today: string, month: number) => {
  const [y, m] = today.split("-").map(Number) as [number, number];
  const year = month > m ? y - 1 : y;
  const from = `${year}-${String(month).padStart(2, "0")}-01`;
  const to = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
  return { from, to };
};
const revenueBetween = (from: string, to: string) =>
  sql`select round(sum(p.value) * 100) as v from metric_points p join metric_series s on s.id = p.series_id
      where s.key = 'revenue' and p.on >= ${from}::date and p.on < ${to}::date`;
const revenueMonth = (month: number) =>
  fig((d) => {
    const b = monthBounds(d, month);
    return revenueBetween(b.from, b.to);
  });
const lastMonth = (d: string) => {
  const [y, m] = d.split("-").map(Number) as [number, number];
  return monthBounds(d, m === 1 ? 12 : m - 1);
};
const plusDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const revenueLastMonth = fig((d) => {
  const b = lastMonth(d);
  return revenueBetween(b.from, b.to);
});
const revenue30 = fig((d) => revenueBetween(plusDay(d, -29), plusDay(d, 1)));
const collectedBetween = (from: string, to: string) =>
  sql`select coalesce(sum(amount_minor), 0) as v from payments where paid_on >= ${from}::date and paid_on < ${to}::date`;
const collected30 = fig((d) => collectedBetween(plusDay(d, -29), plusDay(d, 1)));
const collectedLastMonth = fig((d) => {
  const b = lastMonth(d);
  return collectedBetween(b.from, b.to);
});
const quarterStart = (d: string) => {
  const [y, m] = d.split("-").map(Number) as [number, number];
  return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, "0")}-01`;
};
const wonCount = (from: (d: string) => string) =>
  fig(
    (d) =>
      sql`select count(*) as v from deals where status = 'won' and stage_entered_at >= ${from(d)}::date and stage_entered_at < ${plusDay(d, 1)}::date`,
  );
const winRateYear = fig(
  (
    d,
  ) => sql`select round(100.0 * count(*) filter (where status = 'won') / nullif(count(*) filter (where status in ('won','lost')), 0), 1) as v from deals
   where stage_entered_at >= ${`${d.slice(0, 4)}-01-01`}::date and stage_entered_at < ${plusDay(d, 1)}::date`,
);
const avgDeal = fig(
  (d) =>
    sql`select round(avg(value_minor)) as v from deals where status = 'won' and stage_entered_at >= ${plusDay(d, -364)}::date and stage_entered_at < ${plusDay(d, 1)}::date`,
);
const dso = fig(
  (d) =>
    sql`select round((select coalesce(sum(out), 0) from ${OUT} where out > 0)::numeric / nullif((select sum(amount_minor) from invoices where status <> 'void' and issued_on >= ${plusDay(d, -89)}::date and issued_on < ${plusDay(d, 1)}::date), 0) * 90 * 10) / 10 as v`,
);
const biggestOpen = async (tx: Tx): Promise<Expected> => {
  const [r] = resultRows<{ n: string }>(
    await tx.execute(
      sql`select name as n from deals where status = 'open' order by value_minor desc, name limit 1`,
    ),
  );
  return { kind: "first", label: r!.n };
};
const bestRep = async (tx: Tx, d: string): Promise<Expected> => {
  const [r] = resultRows<{ n: string }>(
    await tx.execute(sql`select u.name as n from deals d join users u on u.id = d.owner_user_id where d.status = 'won'
      and d.stage_entered_at >= ${plusDay(d, -364)}::date and d.stage_entered_at < ${plusDay(d, 1)}::date group by 1 order by sum(d.value_minor) desc limit 1`),
  );
  return { kind: "first", label: r!.n };
};
const pipelineOwn = (email: string) =>
  fig(
    () =>
      sql`select coalesce(sum(d.value_minor), 0) as v from deals d join users u on u.id = d.owner_user_id where d.status = 'open' and u.email = ${email}`,
  );
const pipelineAll = fig(
  () => sql`select coalesce(sum(value_minor), 0) as v from deals where status = 'open'`,
);
const notUnderstood = async (): Promise<Expected> => ({ kind: "not_understood" });

const MONEY_ROLES = ["owner@demo.example", "finance@demo.example", "manager@demo.example"];
const NO_MONEY = ["sam@demo.example", "viewer@demo.example"];
const MONTH_WORDS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

const cases: Case[] = [];
const add = (who: string[], qs: string[], expect: Case["expect"]) => {
  for (const w of who) for (const q of qs) cases.push({ q, who: w, expect });
};

add(
  MONEY_ROLES,
  [
    "how much are we owed?",
    "whats outstanding",
    "total receivables",
    "unpaid invoices total",
    "¿cuánto nos deben?",
  ],
  outstanding,
);
add(
  NO_MONEY,
  ["how much are we owed?", "whats outstanding", "¿cuánto nos deben?", "wie viel schuldet man uns"],
  forbidden,
);
add(
  MONEY_ROLES,
  ["how much is overdue", "whats the overdue total", "overdeu invoices amount", "past due amount"],
  overdue,
);
add(NO_MONEY, ["how much is overdue", "whats the overdue total"], forbidden);
add(
  ["owner@demo.example", "finance@demo.example"],
  [
    "who owes us the most",
    "which customer owes the most?",
    "who owes us the most money",
    "quién nos debe más",
  ],
  topDebtor,
);
add(["sam@demo.example", "viewer@demo.example"], ["who owes us the most"], forbidden);
for (const [i, m] of MONTH_WORDS.entries())
  add(["owner@demo.example"], [`what was revenue in ${m}`], revenueMonth(i + 1));
add(
  ["owner@demo.example", "sam@demo.example", "viewer@demo.example"],
  ["revenue in october", "revnue in october"],
  revenueMonth(10),
);
add(
  ["owner@demo.example", "sam@demo.example", "viewer@demo.example"],
  ["sales in september", "ingresos en septiembre"],
  revenueMonth(9),
);
add(
  ["owner@demo.example", "manager@demo.example"],
  [
    "revenue last month",
    "what was our revenue last month?",
    "wie viel Umsatz letzten Monat",
    "ingresos del mes pasado",
  ],
  revenueLastMonth,
);
add(
  ["owner@demo.example", "finance@demo.example"],
  ["revenue last 30 days", "sales in the past 30 days"],
  revenue30,
);
add(
  ["owner@demo.example", "finance@demo.example"],
  ["how much cash did we collect in the last 30 days", "cash collected last 30 days"],
  collected30,
);
add(
  ["owner@demo.example", "finance@demo.example"],
  ["payments received last month", "how much did we collect last month"],
  collectedLastMonth,
);
add(NO_MONEY, ["how much cash did we collect in the last 30 days"], forbidden);
add(
  ["owner@demo.example", "manager@demo.example", "viewer@demo.example"],
  ["how many deals did we win this quarter", "how many deals won this quarter"],
  wonCount(quarterStart),
);
add(
  ["owner@demo.example", "manager@demo.example"],
  ["how many deals did we win this year", "number of deals won this year"],
  wonCount((d) => `${d.slice(0, 4)}-01-01`),
);
add(
  ["owner@demo.example", "manager@demo.example", "finance@demo.example"],
  ["win rate this year", "whats our win rate this year?", "close rate this year"],
  winRateYear,
);
add(
  ["owner@demo.example", "manager@demo.example", "finance@demo.example"],
  ["whats the average deal size", "average deal size", "avg deal size?"],
  avgDeal,
);
add(["owner@demo.example", "finance@demo.example"], ["whats our DSO", "dso", "days sales outstanding"], dso);
add(NO_MONEY, ["whats our DSO"], forbidden);
add(
  ["owner@demo.example", "manager@demo.example", "viewer@demo.example"],
  ["whats the biggest deal we have", "biggest deal", "largest deal?", "biggest dael"],
  biggestOpen,
);
add(
  ["owner@demo.example", "manager@demo.example"],
  ["who is my best sales rep", "who is the top rep", "best salesperson"],
  bestRep,
);
add(
  ["owner@demo.example", "manager@demo.example"],
  ["what's the pipeline worth", "total pipeline value"],
  pipelineAll,
);
add(
  ["sam@demo.example"],
  ["what's the pipeline worth", "total pipeline value", "how much is my pipeline worth"],
  pipelineOwn("sam@demo.example"),
);
add(
  ["owner@demo.example", "sam@demo.example", "viewer@demo.example"],
  ["asdfgh qwertyuiop", "zxcv bnm", "qqq www eee"],
  notUnderstood,
);
add(["owner@harbor.example"], ["how much are we owed?"], outstanding);
add(["owner@harbor.example"], ["how much is overdue?"], overdue);
add(["owner@harbor.example"], ["whats the biggest deal we have", "biggest deal"], biggestOpen);
add(["owner@harbor.example"], ["what's the pipeline worth"], pipelineAll);
add(["owner@harbor.example"], ["asdfgh qwertyuiop"], notUnderstood);

export const CASES: readonly Case[] = cases;
