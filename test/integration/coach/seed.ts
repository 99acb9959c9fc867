import {
  deals,
  invoices,
  metricPoints,
  metricSeries,
  payments,
  pipelines,
  stages,
} from "../../../src/core/infra/db/schema/index.js";
import type { TestDeps } from "../../support/deps.js";

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A small company as of `today`: 3 open deals ($15,000; one stuck), one won; one overdue invoice of
 * $4,000 with $1,000 paid; revenue $100/day for the last 30 days and $80/day for the 30 before.
 */
export async function seedCompany(deps: TestDeps, tenantId: string, today: Date): Promise<void> {
  await deps.db.tenantTx(tenantId, async (tx) => {
    const [p] = await tx.insert(pipelines).values({ tenantId, name: "Sales", isDefault: true }).returning();
    const pipelineId = p!.id;
    const st = await tx
      .insert(stages)
      .values([
        { tenantId, pipelineId, name: "Lead", position: 1, probability: 0.1, stuckAfterDays: 30 },
        { tenantId, pipelineId, name: "Proposal", position: 2, probability: 0.5, stuckAfterDays: 14 },
        { tenantId, pipelineId, name: "Won", position: 3, probability: 1, isWon: true },
      ])
      .returning();
    const [lead, proposal, won] = st;
    await tx.insert(deals).values([
      {
        tenantId,
        pipelineId,
        stageId: lead!.id,
        name: "Acme renewal",
        company: "Acme",
        valueMinor: 500_000,
        stageEnteredAt: new Date(today.getTime() - 5 * DAY),
      },
      {
        tenantId,
        pipelineId,
        stageId: proposal!.id,
        name: "Globex rollout",
        company: "Globex",
        valueMinor: 700_000,
        stageEnteredAt: new Date(today.getTime() - 40 * DAY),
      },
      {
        tenantId,
        pipelineId,
        stageId: proposal!.id,
        name: "Initech pilot",
        company: "Initech",
        valueMinor: 300_000,
        stageEnteredAt: new Date(today.getTime() - 3 * DAY),
      },
      {
        tenantId,
        pipelineId,
        stageId: won!.id,
        name: "Umbrella",
        company: "Umbrella",
        valueMinor: 900_000,
        status: "won",
      },
    ]);
    const [inv] = await tx
      .insert(invoices)
      .values([
        {
          tenantId,
          number: "INV-1",
          customer: "Hooli",
          issuedOn: iso(new Date(today.getTime() - 45 * DAY)),
          dueOn: iso(new Date(today.getTime() - 15 * DAY)),
          amountMinor: 400_000,
        },
        {
          tenantId,
          number: "INV-2",
          customer: "Acme",
          issuedOn: iso(new Date(today.getTime() - 5 * DAY)),
          dueOn: iso(new Date(today.getTime() + 25 * DAY)),
          amountMinor: 250_000,
        },
      ])
      .returning();
    await tx.insert(payments).values({
      tenantId,
      invoiceId: inv!.id,
      paidOn: iso(new Date(today.getTime() - 2 * DAY)),
      amountMinor: 100_000,
    });
    const [series] = await tx
      .insert(metricSeries)
      .values({ tenantId, key: "revenue", name: "Revenue", unit: "USD" })
      .returning();
    const points = [];
    for (let i = 0; i < 60; i++)
      points.push({
        tenantId,
        seriesId: series!.id,
        on: iso(new Date(today.getTime() - i * DAY)),
        value: i < 30 ? 100 : 80,
      });
    await tx.insert(metricPoints).values(points);
  });
}
