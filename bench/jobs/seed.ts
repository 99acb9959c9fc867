import type { Deps } from "../../src/core/deps.js";
import type { Tx } from "../../src/core/infra/db/client.js";
import { digestSubscriptions, memberships, tenants, users } from "../../src/core/infra/db/schema/index.js";
import { generateDemoDeals, generateDemoInvoices } from "../../src/demo/company.js";
import { insertDeals, insertInvoices, insertPipeline, insertSeries } from "../../src/demo/insert.js";
import { generateDemoMetrics } from "../../src/demo/metrics.js";

/** Days of metric history per synthetic tenant (the digest reads 120). */
export const BENCH_METRIC_DAYS = 150;
/** Invoices of the last N days per synthetic tenant (collections history for the cash forecast). */
export const BENCH_INVOICE_DAYS = 400;

async function seedOne(tx: Tx, tenantId: string, seed: number, today: Date) {
  const [u] = await tx
    .insert(users)
    .values({ tenantId, email: `owner+${seed}@bench.example`, name: "Owner" })
    .returning({ id: users.id });
  await tx.insert(memberships).values({ tenantId, userId: u!.id, role: "owner" });
  const pipeline = await insertPipeline(tx, tenantId);
  const ds = generateDemoDeals(seed, today);
  await insertDeals(tx, tenantId, pipeline, ds, () => u!.id);
  const from = new Date(today.getTime() - BENCH_INVOICE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const inv = generateDemoInvoices(seed, today, [...new Set(ds.map((d) => d.company))]).filter(
    (i) => i.issuedOn >= from,
  );
  await insertInvoices(tx, tenantId, inv);
  await insertSeries(tx, tenantId, generateDemoMetrics({ seed, end: today, days: BENCH_METRIC_DAYS }).series);
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
