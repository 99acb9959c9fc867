import { and, asc, desc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import {
  dealNotes,
  dealStageHistory,
  invoices,
  metricPoints,
  metricSeries,
  payments,
  stages,
} from "../db/schema/index.js";
import type { MetricPoint } from "./cash.js";
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
  number: string;
  dueOn: string;
  outstandingMinor: number;
  currency: string;
  dealId: string | null;
}

/** Open invoices with money still outstanding (amount minus payments). */
export async function loadReceivables(tx: Tx): Promise<Receivable[]> {
  const paid = tx
    .select({ invoiceId: payments.invoiceId, paid: sql<string>`sum(${payments.amountMinor})`.as("paid") })
    .from(payments)
    .groupBy(payments.invoiceId)
    .as("paid");
  const rows = await tx
    .select({
      number: invoices.number,
      dueOn: invoices.dueOn,
      amountMinor: invoices.amountMinor,
      currency: invoices.currency,
      dealId: invoices.dealId,
      paid: paid.paid,
    })
    .from(invoices)
    .leftJoin(paid, eq(paid.invoiceId, invoices.id))
    .where(eq(invoices.status, "open"))
    .orderBy(asc(invoices.dueOn));
  return rows
    .map((r) => ({
      number: r.number,
      dueOn: r.dueOn,
      currency: r.currency,
      dealId: r.dealId,
      outstandingMinor: r.amountMinor - Number(r.paid ?? 0),
    }))
    .filter((r) => r.outstandingMinor > 0);
}

export interface SeriesPoints {
  key: string;
  frequency: "day" | "week" | "month";
  points: MetricPoint[];
}

/** The named metric series (e.g. `cash_balance`, `monthly_expenses`) with their points up to today. */
export async function loadSeries(tx: Tx, keys: string[], todayIso: string): Promise<SeriesPoints[]> {
  const series = await tx
    .select({ id: metricSeries.id, key: metricSeries.key, frequency: metricSeries.frequency })
    .from(metricSeries)
    .where(inArray(metricSeries.key, keys));
  const out: SeriesPoints[] = [];
  for (const s of series) {
    const points = await tx
      .select({ on: metricPoints.on, value: metricPoints.value })
      .from(metricPoints)
      .where(and(eq(metricPoints.seriesId, s.id), lte(metricPoints.on, todayIso)))
      .orderBy(asc(metricPoints.on));
    out.push({ key: s.key, frequency: s.frequency, points });
  }
  return out;
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
