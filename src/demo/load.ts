import type { Deps } from "../core/deps.js";
import { findTenantBySlug } from "../core/features/tenancy/index.js";
import type { Tx } from "../core/infra/db/client.js";
import {
  channelLinks,
  deals,
  identities,
  memberships,
  planningDatasets,
  tenants,
  users,
} from "../core/infra/db/schema/index.js";
import { isoDate } from "../core/kernel/format.js";
import {
  DEMO_B,
  DEMO_USERS,
  type DemoInvoice,
  type DemoUser,
  generateDemoDeals,
  generateDemoInvoices,
} from "./company.js";
import { insertDeals, insertInvoices, insertPipeline, insertSeries } from "./insert.js";
import { generateDemoMetrics } from "./metrics.js";
import { generateBudgetDemo, generateInventoryDemo, generateStaffingDemo } from "./operations.js";
import { mulberry32 } from "./random.js";

export const DEMO_SLUG = "demo";
export const DEMO_SEED = 20240601;

async function insertUsers(tx: Tx, tenantId: string, list: DemoUser[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const u of list) {
    const [row] = await tx
      .insert(users)
      .values({ tenantId, email: u.email, name: u.name })
      .returning({ id: users.id });
    ids.set(u.key, row!.id);
    await tx.insert(memberships).values({ tenantId, userId: row!.id, role: u.role });
    for (const i of u.identities)
      await tx
        .insert(identities)
        .values({ tenantId, userId: row!.id, channel: i.channel, externalId: i.externalId });
  }
  return ids;
}

/**
 * The bank side the cashflow feature needs: monthly operating expenses (a little under average
 * collections, with noise) and a daily cash balance = opening balance + payments received − expenses
 * spread evenly over each month's days. Derived from the invoices, so the two always agree.
 */
export function cashSeries(invs: DemoInvoice[], today: Date) {
  const rng = mulberry32(DEMO_SEED + 2);
  const start = new Date(today.getTime() - 610 * 86_400_000);
  const byDay = new Map<string, number>();
  for (const i of invs)
    for (const p of i.payments) byDay.set(p.paidOn, (byDay.get(p.paidOn) ?? 0) + p.amountMinor / 100);
  const monthlyMean = [...byDay.values()].reduce((a, b) => a + b, 0) / (610 / 30.44);
  const expenses: { date: string; value: number }[] = [];
  const balance: { date: string; value: number }[] = [];
  let cash = 180_000;
  let month = "";
  let monthly = 0;
  for (let t = start.getTime(); t <= today.getTime(); t += 86_400_000) {
    const day = isoDate(new Date(t));
    if (day.slice(0, 7) !== month) {
      month = day.slice(0, 7);
      monthly = Math.round(monthlyMean * (0.9 + rng() * 0.12));
      expenses.push({ date: `${month}-01`, value: monthly });
    }
    cash += (byDay.get(day) ?? 0) - monthly / 30.44;
    balance.push({ date: day, value: Math.round(cash * 100) / 100 });
  }
  return [
    { key: "monthly_expenses", name: "Monthly expenses", frequency: "month" as const, points: expenses },
    { key: "cash_balance", name: "Cash balance", frequency: "day" as const, points: balance },
  ];
}

export interface DemoLoadResult {
  created: boolean;
  tenants: { slug: string; id: string }[];
  counts?: Record<string, number>;
}

/**
 * Loads the demo company (and a second, small tenant) once. A second call changes nothing.
 * Dates are relative to the clock's today; everything else follows from the seed.
 */
export async function loadDemo(deps: Deps): Promise<DemoLoadResult> {
  const existing = await findTenantBySlug(deps.db, DEMO_SLUG);
  if (existing) {
    const b = await findTenantBySlug(deps.db, DEMO_B.slug);
    return {
      created: false,
      tenants: [{ slug: existing.slug, id: existing.id }, ...(b ? [{ slug: b.slug, id: b.id }] : [])],
    };
  }
  const today = deps.clock.now();
  const [tenant] = await deps.db.orm
    .insert(tenants)
    .values({ slug: DEMO_SLUG, name: "Northwind Supply Co.", timezone: "America/New_York", currency: "USD" })
    .onConflictDoNothing()
    .returning();
  if (!tenant) return loadDemo(deps); // lost a race with another loader: now it exists
  const demoDeals = generateDemoDeals(DEMO_SEED, today);
  const customers = [...new Set(demoDeals.map((d) => d.company))];
  const demoInvoices = generateDemoInvoices(DEMO_SEED, today, customers);
  const metrics = generateDemoMetrics({ seed: DEMO_SEED, end: today, days: 610 });
  const counts: Record<string, number> = {};
  await deps.db.tenantTx(tenant.id, async (tx) => {
    const userIds = await insertUsers(tx, tenant.id, DEMO_USERS);
    await tx.insert(channelLinks).values({ tenantId: tenant.id, channel: "slack", externalId: "T0DEMO" });
    const { pipelineId, stageIds } = await insertPipeline(tx, tenant.id);
    await insertDeals(tx, tenant.id, { pipelineId, stageIds }, demoDeals, (key) => userIds.get(key) ?? null);
    counts.deals = demoDeals.length;
    await insertInvoices(tx, tenant.id, demoInvoices);
    counts.invoices = demoInvoices.length;
    const finance = cashSeries(demoInvoices, today);
    await insertSeries(tx, tenant.id, [...metrics.series, ...finance.map((f) => ({ ...f, unit: "USD" }))]);
    counts.metricSeries = metrics.series.length + finance.length;
    await tx.insert(planningDatasets).values([
      { tenantId: tenant.id, kind: "staffing", data: generateStaffingDemo({ seed: DEMO_SEED }) },
      { tenantId: tenant.id, kind: "inventory", data: generateInventoryDemo({ seed: DEMO_SEED }) },
      { tenantId: tenant.id, kind: "budget", data: generateBudgetDemo({ seed: DEMO_SEED }) },
    ]);
  });
  const [tb] = await deps.db.orm
    .insert(tenants)
    .values({ slug: DEMO_B.slug, name: DEMO_B.name, timezone: "Europe/Lisbon", currency: "EUR" })
    .onConflictDoNothing()
    .returning();
  if (tb) {
    await deps.db.tenantTx(tb.id, async (tx) => {
      const userIds = await insertUsers(tx, tb.id, DEMO_B.users);
      await tx.insert(channelLinks).values({ tenantId: tb.id, channel: "slack", externalId: "T0HARBOR" });
      const { pipelineId, stageIds } = await insertPipeline(tx, tb.id);
      for (const d of DEMO_B.deals)
        await tx.insert(deals).values({
          tenantId: tb.id,
          pipelineId,
          stageId: stageIds.get(d.stage)!,
          name: d.name,
          company: d.company,
          ownerUserId: userIds.get("owner")!,
          valueMinor: d.valueMinor,
          currency: "EUR",
          stageEnteredAt: new Date(today.getTime() - 5 * 86_400_000),
        });
    });
  }
  deps.logger.info({ counts }, "demo company loaded");
  return {
    created: true,
    tenants: [{ slug: tenant.slug, id: tenant.id }, ...(tb ? [{ slug: tb.slug, id: tb.id }] : [])],
    counts,
  };
}
