import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import {
  contacts,
  dealNotes,
  deals,
  invoices,
  metricPoints,
  metricSeries,
  payments,
  stages,
  users,
} from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { decimalAmount } from "../../kernel/format.js";
import { type Actor, canReadMetric, ownDealsOnly } from "../auth/index.js";
import { paidPerInvoice } from "../invoices/index.js";
import { DAY_RE, decodeCursor, type Page, pageOf, UUID_RE } from "./cursor.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface PageQuery {
  limit: number;
  cursor?: string;
}

export async function listContacts(deps: Deps, actor: Actor, q: PageQuery) {
  const after = decodeCursor(q.cursor, UUID_RE);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select()
      .from(contacts)
      .where(after ? gt(contacts.id, after) : undefined)
      .orderBy(asc(contacts.id))
      .limit(q.limit + 1),
  );
  return pageOf(
    rows,
    q.limit,
    (r) => r.id,
    (r) => ({
      id: r.id,
      external_id: r.externalId,
      name: r.name,
      company: r.company,
      email: r.email,
      phone: r.phone,
      created_at: iso(r.createdAt),
    }),
  );
}

const dealColumns = {
  id: deals.id,
  externalId: deals.externalId,
  name: deals.name,
  company: deals.company,
  stage: stages.name,
  valueMinor: deals.valueMinor,
  currency: deals.currency,
  status: deals.status,
  ownerEmail: users.email,
  ownerUserId: deals.ownerUserId,
  stageEnteredAt: deals.stageEnteredAt,
  expectedCloseOn: deals.expectedCloseOn,
  nextStep: deals.nextStep,
  paymentTermsDays: deals.paymentTermsDays,
  updatedAt: deals.updatedAt,
};

type DealRow = {
  id: string;
  externalId: string | null;
  name: string;
  company: string | null;
  stage: string;
  valueMinor: number;
  currency: string;
  status: string;
  ownerEmail: string | null;
  stageEnteredAt: Date;
  expectedCloseOn: string | null;
  nextStep: string | null;
  paymentTermsDays: number | null;
  updatedAt: Date;
};

const dealOut = (r: DealRow) => ({
  id: r.id,
  external_id: r.externalId,
  name: r.name,
  company: r.company,
  stage: r.stage,
  value: decimalAmount(r.valueMinor),
  currency: r.currency,
  status: r.status,
  owner_email: r.ownerEmail,
  stage_entered_on: r.stageEnteredAt.toISOString().slice(0, 10),
  expected_close_on: r.expectedCloseOn,
  next_step: r.nextStep,
  payment_terms_days: r.paymentTermsDays,
  updated_at: iso(r.updatedAt),
});
export type DealOut = ReturnType<typeof dealOut>;

/** Deals the actor may see (a rep: own deals only), by id. */
export async function listDeals(deps: Deps, actor: Actor, q: PageQuery): Promise<Page<DealOut>> {
  const after = decodeCursor(q.cursor, UUID_RE);
  const own = ownDealsOnly(actor);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select(dealColumns)
      .from(deals)
      .innerJoin(stages, eq(stages.id, deals.stageId))
      .leftJoin(users, eq(users.id, deals.ownerUserId))
      .where(and(after ? gt(deals.id, after) : undefined, own ? eq(deals.ownerUserId, own) : undefined))
      .orderBy(asc(deals.id))
      .limit(q.limit + 1),
  );
  return pageOf(rows, q.limit, (r) => r.id, dealOut);
}

export async function getDeal(deps: Deps, actor: Actor, id: string): Promise<DealOut> {
  const own = ownDealsOnly(actor);
  const [row] = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select(dealColumns)
      .from(deals)
      .innerJoin(stages, eq(stages.id, deals.stageId))
      .leftJoin(users, eq(users.id, deals.ownerUserId))
      .where(and(eq(deals.id, id), own ? eq(deals.ownerUserId, own) : undefined))
      .limit(1),
  );
  if (!row) throw new AppError("not_found", `No deal ${id}.`);
  return dealOut(row);
}

export async function listDealNotes(deps: Deps, actor: Actor, dealId: string, q: PageQuery) {
  await getDeal(deps, actor, dealId);
  const after = decodeCursor(q.cursor, UUID_RE);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select({ n: dealNotes, author: users.email })
      .from(dealNotes)
      .leftJoin(users, eq(users.id, dealNotes.authorUserId))
      .where(and(eq(dealNotes.dealId, dealId), after ? gt(dealNotes.id, after) : undefined))
      .orderBy(asc(dealNotes.id))
      .limit(q.limit + 1),
  );
  return pageOf(
    rows,
    q.limit,
    (r) => r.n.id,
    (r) => ({
      id: r.n.id,
      external_id: r.n.externalId,
      body: r.n.body,
      author_email: r.author,
      created_at: iso(r.n.createdAt),
    }),
  );
}

export async function listInvoices(deps: Deps, actor: Actor, q: PageQuery) {
  const after = decodeCursor(q.cursor, UUID_RE);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) => {
    const paid = paidPerInvoice(tx);
    return tx
      .select({ i: invoices, paid: sql<string>`coalesce(${paid.paid}, 0)` })
      .from(invoices)
      .leftJoin(paid, eq(paid.invoiceId, invoices.id))
      .where(after ? gt(invoices.id, after) : undefined)
      .orderBy(asc(invoices.id))
      .limit(q.limit + 1);
  });
  return pageOf(
    rows,
    q.limit,
    (r) => r.i.id,
    (r) => ({
      id: r.i.id,
      external_id: r.i.externalId,
      number: r.i.number,
      customer: r.i.customer,
      issued_on: r.i.issuedOn,
      due_on: r.i.dueOn,
      amount: decimalAmount(r.i.amountMinor),
      paid_amount: decimalAmount(Number(r.paid)),
      open_balance: decimalAmount(Math.max(0, r.i.amountMinor - Number(r.paid))),
      currency: r.i.currency,
      status: r.i.status,
    }),
  );
}

export async function listPayments(deps: Deps, actor: Actor, q: PageQuery) {
  const after = decodeCursor(q.cursor, UUID_RE);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select({ p: payments, number: invoices.number })
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .where(after ? gt(payments.id, after) : undefined)
      .orderBy(asc(payments.id))
      .limit(q.limit + 1),
  );
  return pageOf(
    rows,
    q.limit,
    (r) => r.p.id,
    (r) => ({
      id: r.p.id,
      external_id: r.p.externalId,
      invoice_number: r.number,
      paid_on: r.p.paidOn,
      amount: decimalAmount(r.p.amountMinor),
    }),
  );
}

/** Points of one metric, by date; finance metrics (cash, expenses…) need a cash role, like in chat. */
export async function listMetricPoints(deps: Deps, actor: Actor, metric: string, q: PageQuery) {
  if (!canReadMetric(actor, metric))
    throw new AppError("forbidden", `Your role (${actor.role}) may not read the metric ${metric}.`);
  const after = decodeCursor(q.cursor, DAY_RE);
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) =>
    tx
      .select({ on: metricPoints.on, value: metricPoints.value, unit: metricSeries.unit })
      .from(metricPoints)
      .innerJoin(metricSeries, eq(metricSeries.id, metricPoints.seriesId))
      .where(and(eq(metricSeries.key, metric), after ? gt(metricPoints.on, after) : undefined))
      .orderBy(asc(metricPoints.on))
      .limit(q.limit + 1),
  );
  return pageOf(
    rows,
    q.limit,
    (r) => r.on,
    (r) => ({ metric, date: r.on, value: Number(r.value), unit: r.unit }),
  );
}
