import { and, asc, desc, eq, lte, ne, sql } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import {
  dealNotes,
  dealStageHistory,
  deals,
  invoices,
  payments,
  stages,
} from "../../infra/db/schema/index.js";
import { openInvoices } from "../invoices/index.js";
import { loadSeriesByKeys } from "../series/index.js";
import type { CalibrationHistory } from "./calibration.js";
import type { MetricPoint } from "./cash.js";
import { diffDaysIso, elapsedDays } from "./dates.js";
import type { PaymentRow } from "./history.js";
import type { StageRule } from "./types.js";

/** Every stage of every pipeline of the tenant, with the columns the cashflow rules read. */
export async function loadStageRules(tx: Tx): Promise<StageRule[]> {
  return tx
    .select({
      id: stages.id,
      pipelineId: stages.pipelineId,
      name: stages.name,
      position: stages.position,
      probability: stages.probability,
      cycleDays: stages.cycleDays,
      isInvoiced: stages.isInvoiced,
      isWon: stages.isWon,
      isLost: stages.isLost,
    })
    .from(stages)
    .orderBy(asc(stages.pipelineId), asc(stages.position));
}

/** Every payment received up to today (the history of collections). */
export async function loadPayments(tx: Tx, todayIso: string): Promise<PaymentRow[]> {
  return tx
    .select({ paidOn: payments.paidOn, amountMinor: payments.amountMinor })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(lte(payments.paidOn, todayIso), ne(invoices.status, "void")))
    .orderBy(asc(payments.paidOn));
}

export interface Receivable {
  id: string;
  number: string;
  customer: string;
  dueOn: string;
  outstandingMinor: number;
  currency: string;
  dealId: string | null;
}

/** Open invoices with money still outstanding (amount minus payments). */
export async function loadReceivables(tx: Tx): Promise<Receivable[]> {
  return (await openInvoices(tx)).map(
    ({ id, number, customer, dueOn, outstandingMinor, currency, dealId }) => ({
      id,
      number,
      customer,
      dueOn,
      outstandingMinor,
      currency,
      dealId,
    }),
  );
}

export interface SeriesPoints {
  key: string;
  frequency: "day" | "week" | "month";
  points: MetricPoint[];
}

/** The named metric series (e.g. `cash_balance`, `monthly_expenses`) with their points up to today. */
export async function loadSeries(tx: Tx, keys: string[], todayIso: string): Promise<SeriesPoints[]> {
  return loadSeriesByKeys(tx, keys, todayIso);
}

/** A deal's stage history and latest notes as one line of text for the prediction prompt. */
export async function dealHistoryText(tx: Tx, dealId: string): Promise<string> {
  const hist = await tx
    .select({ name: stages.name, enteredAt: dealStageHistory.enteredAt })
    .from(dealStageHistory)
    .innerJoin(stages, eq(stages.id, dealStageHistory.stageId))
    .where(eq(dealStageHistory.dealId, dealId))
    .orderBy(asc(dealStageHistory.enteredAt));
  const notes = await tx
    .select({ body: dealNotes.body, createdAt: dealNotes.createdAt })
    .from(dealNotes)
    .where(eq(dealNotes.dealId, dealId))
    .orderBy(desc(dealNotes.createdAt))
    .limit(3);
  const stagesText = hist.map((h) => `${h.name} from ${h.enteredAt.toISOString().slice(0, 10)}`).join("; ");
  const notesText = notes.map((n) => `${n.createdAt.toISOString().slice(0, 10)}: ${n.body}`).join(" | ");
  return [stagesText && `Stages: ${stagesText}`, notesText && `Notes: ${notesText}`]
    .filter(Boolean)
    .join(". ");
}

/** Closed deals with their stage paths, completed stage stays and paid invoices' lateness. */
export async function loadCalibrationHistory(tx: Tx): Promise<CalibrationHistory> {
  const closedDeals = await tx
    .select({ id: deals.id, status: deals.status, ownerUserId: deals.ownerUserId })
    .from(deals)
    .where(ne(deals.status, "open"));
  const hist = await tx
    .select({
      dealId: dealStageHistory.dealId,
      stageId: dealStageHistory.stageId,
      enteredAt: dealStageHistory.enteredAt,
      leftAt: dealStageHistory.leftAt,
    })
    .from(dealStageHistory);
  const pathOf = new Map<string, string[]>();
  const stays: CalibrationHistory["stays"] = [];
  for (const h of hist) {
    pathOf.set(h.dealId, [...(pathOf.get(h.dealId) ?? []), h.stageId]);
    if (h.leftAt) stays.push({ stageId: h.stageId, days: elapsedDays(h.enteredAt, h.leftAt) });
  }
  const paidRows = await tx
    .select({
      customer: invoices.customer,
      dueOn: invoices.dueOn,
      lastPaidOn: sql<string>`max(${payments.paidOn})::text`,
    })
    .from(invoices)
    .innerJoin(payments, eq(payments.invoiceId, invoices.id))
    .where(eq(invoices.status, "paid"))
    .groupBy(invoices.id, invoices.customer, invoices.dueOn);
  return {
    closed: closedDeals.map((d) => ({
      dealId: d.id,
      status: d.status === "won" ? "won" : "lost",
      ownerUserId: d.ownerUserId,
      stageIds: pathOf.get(d.id) ?? [],
    })),
    stays,
    paid: paidRows.map((r) => ({ customer: r.customer, lateDays: diffDaysIso(r.dueOn, r.lastPaidOn) })),
  };
}
