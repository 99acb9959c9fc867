import type { Tx } from "../../src/core/db/client.js";
import {
  contacts,
  dealStageHistory,
  deals,
  digestSubscriptions,
  invoices,
  memberships,
  metricPoints,
  metricSeries,
  payments,
  pipelines,
  stages,
  tenants,
  users,
} from "../../src/core/db/schema/index.js";
import { DEMO_STAGES, generateDemoDeals, generateDemoInvoices } from "../../src/core/demo/company.js";
import { generateDemoMetrics } from "../../src/core/demo/metrics.js";
import type { Deps } from "../../src/core/deps.js";

/** Days of metric history per synthetic tenant (the digest reads 120). */
export const BENCH_METRIC_DAYS = 150;
/** Invoices of the last N days per synthetic tenant (collections history for the cash forecast). */
export const BENCH_INVOICE_DAYS = 400;

async function chunks<T>(rows: T[], size: number, fn: (c: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

async function seedOne(tx: Tx, tenantId: string, seed: number, today: Date) {
  const [u] = await tx
    .insert(users)
    .values({ tenantId, email: `owner+${seed}@bench.example`, name: "Owner" })
    .returning({ id: users.id });
  await tx.insert(memberships).values({ tenantId, userId: u!.id, role: "owner" });
  const [p] = await tx.insert(pipelines).values({ tenantId, name: "Sales", isDefault: true }).returning();
  const st = await tx
    .insert(stages)
    .values(
      DEMO_STAGES.map((s, i) => ({
        tenantId,
        pipelineId: p!.id,
        name: s.name,
        position: i + 1,
        probability: s.probability,
        cycleDays: s.cycleDays,
        stuckAfterDays: s.stuckAfterDays,
        checklist: s.checklist,
        isInvoiced: s.isInvoiced ?? false,
        isWon: s.isWon ?? false,
        isLost: s.isLost ?? false,
      })),
    )
    .returning({ id: stages.id, name: stages.name });
  const stageIds = new Map(st.map((r) => [r.name, r.id]));
  const ds = generateDemoDeals(seed, today);
  const cs = await tx
    .insert(contacts)
    .values(ds.map((d) => ({ tenantId, name: d.contact.name, company: d.company, email: d.contact.email })))
    .returning({ id: contacts.id });
  const rows = await tx
    .insert(deals)
    .values(
      ds.map((d, i) => {
        const cur = d.history[d.history.length - 1]!;
        return {
          tenantId,
          pipelineId: p!.id,
          stageId: stageIds.get(d.stage)!,
          name: d.name,
          company: d.company,
          contactId: cs[i]!.id,
          ownerUserId: u!.id,
          valueMinor: d.valueMinor,
          status: d.status,
          stageEnteredAt: cur.enteredAt,
          expectedCloseOn: d.expectedCloseOn,
          nextStep: d.nextStep,
          paymentTermsDays: d.paymentTermsDays,
          facts: d.facts,
          createdAt: d.history[0]!.enteredAt,
          updatedAt: cur.enteredAt,
        };
      }),
    )
    .returning({ id: deals.id });
  await tx.insert(dealStageHistory).values(
    ds.flatMap((d, i) =>
      d.history.map((h, j) => ({
        tenantId,
        dealId: rows[i]!.id,
        stageId: stageIds.get(h.stage)!,
        enteredAt: h.enteredAt,
        leftAt: d.history[j + 1]?.enteredAt ?? null,
      })),
    ),
  );
  const from = new Date(today.getTime() - BENCH_INVOICE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const inv = generateDemoInvoices(seed, today, [...new Set(ds.map((d) => d.company))]).filter(
    (i) => i.issuedOn >= from,
  );
  await chunks(inv, 500, async (c) => {
    const ins = await tx
      .insert(invoices)
      .values(
        c.map((i) => ({
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
    const byNumber = new Map(ins.map((r) => [r.number, r.id]));
    const pays = c.flatMap((i) =>
      i.payments.map((x) => ({
        tenantId,
        invoiceId: byNumber.get(i.number)!,
        paidOn: x.paidOn,
        amountMinor: x.amountMinor,
      })),
    );
    if (pays.length) await tx.insert(payments).values(pays);
  });
  const m = generateDemoMetrics({ seed, end: today, days: BENCH_METRIC_DAYS });
  for (const s of m.series) {
    const [ms] = await tx
      .insert(metricSeries)
      .values({ tenantId, key: s.key, name: s.name, unit: s.unit, frequency: "day" })
      .returning({ id: metricSeries.id });
    await chunks(s.points, 1000, (c) =>
      tx
        .insert(metricPoints)
        .values(c.map((x) => ({ tenantId, seriesId: ms!.id, on: x.date, value: x.value }))),
    );
  }
  await tx.insert(digestSubscriptions).values({
    tenantId,
    channel: "slack",
    address: `C${String(seed).padStart(6, "0")}`,
    cadence: "daily",
    atTime: "08:00",
    timezone: "UTC",
    createdAt: new Date(today.getTime() - 30 * 86_400_000),
  });
}

/**
 * Synthetic tenants from the demo generators (each its own seed): the demo's 69 deals with stage
 * history, ~13 months of invoices and payments, 150 days of 7 daily metrics, one daily digest
 * subscription. Idempotent by slug.
 */
export async function seedBenchTenants(
  deps: Deps,
  n: number,
  today: Date,
  log: (s: string) => void = () => {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const slug = `bench-${String(i).padStart(4, "0")}`;
    const [t] = await deps.db.orm
      .insert(tenants)
      .values({ slug, name: `Bench ${i}`, timezone: "UTC" })
      .onConflictDoNothing()
      .returning();
    if (!t) continue;
    await deps.db.tenantTx(t.id, (tx) => seedOne(tx, t.id, 1000 + i, today));
    ids.push(t.id);
    if ((i + 1) % 100 === 0) log(`seeded ${i + 1}/${n}`);
  }
  return ids;
}
