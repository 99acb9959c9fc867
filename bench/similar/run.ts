/**
 * Similar-deal search cost on the configured database (DATABASE_URL → Postgres, else PGlite in memory):
 * a tenant with 300 closed deals (the search pool's cap) and 500 open deals, three notes each. Times
 * `deal NAME`'s search (one target) and the cash report's (every open deal at once). Text scores run in
 * Postgres (pg_trgm + full text); no embeddings. Writes bench/results/similar-<db>.md. No goal asserted.
 */
import { writeFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import { createCompany } from "../../src/core/features/company/index.js";
import { findSimilarDeals } from "../../src/core/features/similar/index.js";
import { createLogger } from "../../src/core/infra/logger.js";
import { mulberry32 } from "../../src/core/kernel/random.js";

const config = loadConfig({ ...process.env, LOG_LEVEL: "silent" });
const deps = await createDeps(config, {
  inMemory: !config.db.url,
  logger: createLogger({ level: "silent" }),
});
const { tenant } = await createCompany(deps, {
  company: "Bench Co",
  slug: `bench-${Date.now().toString(36)}`,
  currency: "USD",
  timezone: "Europe/Berlin",
  owner: "owner@bench.example",
  pipeline: "b2b-sales",
});
const rng = mulberry32(7);
const WORDS =
  "forklift pallet scanner racking cold chain sensor warehouse fleet renewal pricing approval budget procurement delivery schedule install training service contract discount".split(
    " ",
  );
const words = (n: number) =>
  Array.from({ length: n }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(" ");
const t0 = performance.now();
await deps.db.tenantTx(tenant.id, async (tx) => {
  await tx.execute(sql`
    with s as (select id, name, pipeline_id from stages)
    insert into deals (tenant_id, pipeline_id, stage_id, name, company, value_minor, currency, status, stage_entered_at)
    select ${tenant.id}, s.pipeline_id, s.id, 'Deal ' || g, 'Company ' || (g % 90), 100000 + (g * 7919 % 5000000),
           'USD', case when g <= 300 then (case when g % 3 = 0 then 'lost' else 'won' end) else 'open' end,
           now() - ((g % 200) || ' days')::interval
      from generate_series(1, 800) g
      join s on s.name = case when g <= 300 then (case when g % 3 = 0 then 'Lost' else 'Won' end)
                              else (array['Lead','Qualified','Proposal Sent','Negotiation','Order Received'])[1 + g % 5] end`);
  await tx.execute(sql`
    insert into deal_stage_history (tenant_id, deal_id, stage_id, entered_at)
    select d.tenant_id, d.id, st.id, d.stage_entered_at - ((10 - st.position) * 9 || ' days')::interval
      from deals d join stages st on st.position <= 4 and st.pipeline_id = d.pipeline_id`);
  const ids = await tx.execute(sql`select id from deals`);
  const rows = (Array.isArray(ids) ? ids : (ids as { rows: { id: string }[] }).rows) as { id: string }[];
  for (const r of rows)
    await tx.execute(sql`insert into deal_notes (tenant_id, deal_id, body) values
      (${tenant.id}, ${r.id}, ${words(12)}), (${tenant.id}, ${r.id}, ${words(12)}), (${tenant.id}, ${r.id}, ${words(12)})`);
});
const seeded = performance.now() - t0;
const open = await deps.db.tenantTx(tenant.id, async (tx) => {
  const r = await tx.execute(sql`select id from deals where status = 'open' order by id`);
  return ((Array.isArray(r) ? r : (r as { rows: { id: string }[] }).rows) as { id: string }[]).map(
    (x) => x.id,
  );
});

async function median(n: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(n / 2)]!, min: ms[0]!, max: ms.at(-1)! };
}
const one = await median(7, () => findSimilarDeals(deps, tenant.id, [open[0]!]));
const all = await median(3, () => findSimilarDeals(deps, tenant.id, open));
const db = deps.db.kind;
const load = (await import("node:os")).loadavg()[0]!.toFixed(2);
const fmt = (x: { median: number; min: number; max: number }) =>
  `${Math.round(x.median)} ms median (min ${Math.round(x.min)}, max ${Math.round(x.max)})`;
const out = `# Similar-deal search benchmark (${db})

\`npm run bench:similar\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${load} on a shared 2-core machine.
Tenant: 300 closed + 500 open deals, 3 notes each (seeded in ${Math.round(seeded)} ms). pg_trgm + full text, no embeddings.

| case | time |
|---|---|
| \`deal NAME\`: 1 deal against the 300-deal pool | ${fmt(one)} (7 runs) |
| cash report: 500 open deals against the pool | ${fmt(all)} (3 runs) |
`;
writeFileSync(new URL(`../results/similar-${db}.md`, import.meta.url), out);
console.log(out);
await closeDeps(deps);
