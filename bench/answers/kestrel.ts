import type { Deps } from "../../src/core/deps.js";
import { addUser, createCompany } from "../../src/core/features/company/index.js";
import { importCsv } from "../../src/core/features/import/index.js";

/**
 * The held-out set's second company, generated here (not the demo loader): Kestrel Tiles Ltd, a UK
 * tile wholesaler in GBP on Europe/London, made through the same setup and CSV import use cases a new
 * customer goes through. Deterministic for a given "today"; names, currency and shapes differ from
 * both demo companies so the parser cannot lean on names it was tuned on.
 */
export const KESTREL = {
  slug: "kestrel",
  owner: "olive@kestrel.example",
  manager: "mei@kestrel.example",
  rep: "priya@kestrel.example",
  rep2: "tom@kestrel.example",
  finance: "finance@kestrel.example",
  viewer: "viewer@kestrel.example",
};

export const KESTREL_CUSTOMERS = [
  "Brightwater Hotels",
  "Copperleaf Studios",
  "Driftwood Cafes",
  "Elmstead Schools",
  "Foxglove Clinics",
  "Granite Homes",
  "Hollybush Farms",
  "Ironbridge Builders",
];
const PRODUCTS = ["Porcelain floor", "Wall mosaic", "Terrace slabs", "Bathroom refit", "Kitchen splashback"];
const STAGES = ["Lead", "Qualified", "Proposal", "Negotiation"];

/** A tiny LCG: deterministic, no dependency on the demo's generator. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const iso = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (today: Date, n: number) => iso(new Date(today.getTime() - n * 86_400_000));

export async function createKestrel(deps: Deps, today: Date): Promise<string> {
  const r = rng(1307);
  const tenantId = (
    await createCompany(deps, {
      company: "Kestrel Tiles Ltd",
      slug: KESTREL.slug,
      currency: "GBP",
      timezone: "Europe/London",
      owner: KESTREL.owner,
      ownerName: "Olive Kent",
      pipeline: "simple",
    })
  ).tenant.id;
  await addUser(deps, tenantId, { email: KESTREL.manager, name: "Mei Chen", role: "manager" });
  await addUser(deps, tenantId, { email: KESTREL.rep, name: "Priya Nair", role: "rep" });
  await addUser(deps, tenantId, { email: KESTREL.rep2, name: "Tom Hale", role: "rep" });
  await addUser(deps, tenantId, { email: KESTREL.finance, name: "Femi Adeyemi", role: "finance" });
  await addUser(deps, tenantId, { email: KESTREL.viewer, name: "Vera Lind", role: "viewer" });

  const owners = [KESTREL.rep, KESTREL.rep2, KESTREL.manager];
  const deals = ["name,company,stage,status,value,owner_email,stage_entered_on"];
  for (let i = 0; i < 42; i++) {
    const company = KESTREL_CUSTOMERS[i % KESTREL_CUSTOMERS.length]!;
    const product = PRODUCTS[(i * 3) % PRODUCTS.length]!;
    const value = (Math.round(800 + r() * 24_000) + i).toFixed(2);
    const owner = owners[Math.floor(r() * owners.length)]!;
    const roll = r();
    const [stage, status, ago] =
      roll < 0.45
        ? [STAGES[Math.floor(r() * STAGES.length)]!, "open", Math.floor(r() * 80)]
        : roll < 0.8
          ? ["Won", "won", Math.floor(r() * 420)]
          : ["Lost", "lost", Math.floor(r() * 420)];
    deals.push(
      `${company} - ${product} ${i + 1},${company},${stage},${status},${value},${owner},${daysAgo(today, ago)}`,
    );
  }
  const dr = await importCsv(deps, tenantId, "deals", `${deals.join("\n")}\n`);
  if (!dr.ok) throw new Error(`kestrel deals: ${dr.messages.join("; ")}`);

  const inv = ["number,customer,issued_on,due_on,amount"];
  const pay = ["invoice_number,paid_on,amount"];
  for (let i = 0; i < 34; i++) {
    const customer = KESTREL_CUSTOMERS[(i * 5 + 1) % KESTREL_CUSTOMERS.length]!;
    const issued = Math.floor(r() * 200);
    const amount = Math.round(300 + r() * 9_000);
    const number = `KT-${2001 + i}`;
    inv.push(`${number},${customer},${daysAgo(today, issued)},${daysAgo(today, issued - 30)},${amount}.00`);
    const roll = r();
    const paidAgo = Math.max(0, issued - Math.floor(10 + r() * 40));
    if (roll < 0.45) pay.push(`${number},${daysAgo(today, paidAgo)},${amount}.00`);
    else if (roll < 0.6) pay.push(`${number},${daysAgo(today, paidAgo)},${Math.round(amount / 3)}.00`);
  }
  const ir = await importCsv(deps, tenantId, "invoices", `${inv.join("\n")}\n`);
  if (!ir.ok) throw new Error(`kestrel invoices: ${ir.messages.join("; ")}`);
  const pr = await importCsv(deps, tenantId, "payments", `${pay.join("\n")}\n`);
  if (!pr.ok) throw new Error(`kestrel payments: ${pr.messages.join("; ")}`);

  const met = ["metric,date,value,unit"];
  for (let n = 430; n >= 0; n--) {
    const day = daysAgo(today, n);
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * n) / 365);
    met.push(`revenue,${day},${(Math.round(2_400 * season + r() * 900) + 0.5).toFixed(2)},GBP`);
    met.push(`orders,${day},${Math.round(14 * season + r() * 8)},orders`);
    met.push(`showroom_visits,${day},${Math.round(40 + r() * 30)},visits`);
  }
  const mr = await importCsv(deps, tenantId, "metrics", `${met.join("\n")}\n`);
  if (!mr.ok) throw new Error(`kestrel metrics: ${mr.messages.join("; ")}`);
  return tenantId;
}
