import { insertPipeline as insertStages } from "../core/features/company/index.js";
import type { Tx } from "../core/infra/db/client.js";
import {
  contacts,
  dealNotes,
  dealStageHistory,
  deals,
  invoices,
  metricPoints,
  metricSeries,
  payments,
} from "../core/infra/db/schema/index.js";
import { DEMO_STAGES, type DemoDeal, type DemoInvoice } from "./company.js";

/** Bulk inserts of generated demo data, shared by `keel demo` and the benchmarks' synthetic tenants. */
async function chunks<T>(rows: T[], size: number, fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

export function insertPipeline(tx: Tx, tenantId: string) {
  return insertStages(tx, tenantId, "Sales", DEMO_STAGES);
}

/** Deals with their contact, stage history and notes; `ownerOf` maps a demo owner key to a user id. */
export async function insertDeals(
  tx: Tx,
  tenantId: string,
  pipeline: { pipelineId: string; stageIds: Map<string, string> },
  list: DemoDeal[],
  ownerOf: (key: string) => string | null,
): Promise<void> {
  if (list.length === 0) return;
  const cs = await tx
    .insert(contacts)
    .values(
      list.map((d) => ({
        tenantId,
        name: d.contact.name,
        company: d.company,
        email: d.contact.email,
        phone: d.contact.phone,
      })),
    )
    .returning({ id: contacts.id });
  const rows = await tx
    .insert(deals)
    .values(
      list.map((d, i) => {
        const current = d.history[d.history.length - 1]!;
        return {
          tenantId,
          pipelineId: pipeline.pipelineId,
          stageId: pipeline.stageIds.get(d.stage)!,
          name: d.name,
          company: d.company,
          contactId: cs[i]!.id,
          ownerUserId: ownerOf(d.ownerKey),
          valueMinor: d.valueMinor,
          status: d.status,
          stageEnteredAt: current.enteredAt,
          expectedCloseOn: d.expectedCloseOn,
          nextStep: d.nextStep,
          paymentTermsDays: d.paymentTermsDays,
          facts: d.facts,
          createdAt: d.history[0]!.enteredAt,
          updatedAt: current.enteredAt,
        };
      }),
    )
    .returning({ id: deals.id });
  await tx.insert(dealStageHistory).values(
    list.flatMap((d, i) =>
      d.history.map((h, j) => ({
        tenantId,
        dealId: rows[i]!.id,
        stageId: pipeline.stageIds.get(h.stage)!,
        enteredAt: h.enteredAt,
        leftAt: d.history[j + 1]?.enteredAt ?? null,
      })),
    ),
  );
  const notes = list.flatMap((d, i) =>
    d.notes.map((n) => ({
      tenantId,
      dealId: rows[i]!.id,
      authorUserId: ownerOf(d.ownerKey),
      body: n.body,
      createdAt: n.at,
    })),
  );
  if (notes.length) await tx.insert(dealNotes).values(notes);
}

/** Invoices with their payments. */
export async function insertInvoices(tx: Tx, tenantId: string, list: DemoInvoice[]): Promise<void> {
  await chunks(list, 500, async (chunk) => {
    const rows = await tx
      .insert(invoices)
      .values(
        chunk.map((i) => ({
          tenantId,
          number: i.number,
          customer: i.customer,
          issuedOn: i.issuedOn,
          dueOn: i.dueOn,
          amountMinor: i.amountMinor,
          status: i.status,
        })),
      )
      .returning({ id: invoices.id, number: invoices.number });
    const byNumber = new Map(rows.map((r) => [r.number, r.id]));
    const pays = chunk.flatMap((i) =>
      i.payments.map((p) => ({
        tenantId,
        invoiceId: byNumber.get(i.number)!,
        paidOn: p.paidOn,
        amountMinor: p.amountMinor,
      })),
    );
    if (pays.length) await tx.insert(payments).values(pays);
  });
}

export interface SeriesToInsert {
  key: string;
  name: string;
  unit: string;
  frequency?: "day" | "week" | "month";
  points: { date: string; value: number }[];
}

/** Metric series with their points. */
export async function insertSeries(tx: Tx, tenantId: string, list: SeriesToInsert[]): Promise<void> {
  for (const s of list) {
    const [ms] = await tx
      .insert(metricSeries)
      .values({ tenantId, key: s.key, name: s.name, unit: s.unit, frequency: s.frequency ?? "day" })
      .returning({ id: metricSeries.id });
    await chunks(s.points, 1000, (c) =>
      tx
        .insert(metricPoints)
        .values(c.map((p) => ({ tenantId, seriesId: ms!.id, on: p.date, value: p.value }))),
    );
  }
}
