import { and, asc, desc, eq, lte, ne } from "drizzle-orm";
import type { Tx } from "../../infra/db/client.js";
import { dealNotes, dealStageHistory, invoices, payments, stages } from "../../infra/db/schema/index.js";
import { openInvoices } from "../invoices/index.js";
import { loadSeriesByKeys } from "../series/index.js";
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
  return (await openInvoices(tx)).map(({ number, dueOn, outstandingMinor, currency, dealId }) => ({
    number,
    dueOn,
    outstandingMinor,
    currency,
    dealId,
  }));
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
