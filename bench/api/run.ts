/**
 * REST API cost per request, on the database Keel is configured with (DATABASE_URL → Postgres, else
 * PGlite in memory): authenticated reads (token lookup + RLS transaction + page of 50 deals), bulk
 * upserts of 1,000 contacts through the import rules (first create, then unchanged), and the same
 * upsert with an Idempotency-Key replayed. Writes bench/results/api.md. No goal: numbers to watch.
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "../../src/config.js";
import { closeDeps, createDeps } from "../../src/core/deps.js";
import { createApiToken } from "../../src/core/features/api/index.js";
import { requireTenant } from "../../src/core/features/tenancy/index.js";
import { createLogger } from "../../src/core/infra/logger.js";
import { loadDemo } from "../../src/demo/load.js";
import { createHttpApp } from "../../src/http/app.js";

const config = loadConfig({ ...process.env, KEEL_API_RATE_LIMIT: "100000", LOG_LEVEL: "silent" });
const deps = await createDeps(config, {
  inMemory: !config.db.url,
  logger: createLogger({ level: "silent" }),
});
await loadDemo(deps);
const tenant = await requireTenant(deps.db, "demo");
const { token } = await createApiToken(deps, tenant.id, {
  email: "owner@demo.example",
  scopes: ["deals:read", "contacts:write"],
});
const app = createHttpApp(deps);
const auth = { authorization: `Bearer ${token}` };

async function time(n: number, fn: (i: number) => Response | Promise<Response>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fn(i);
    if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
    await r.arrayBuffer();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)]!, p95: ms[Math.floor(n * 0.95)]! };
}

const post = (body: string, extra: Record<string, string> = {}) =>
  app.request("/api/v1/contacts", {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", ...extra },
    body,
  });
await time(20, () => app.request("/api/v1/deals?limit=50", { headers: auth })); // warm-up
const reads = await time(200, () => app.request("/api/v1/deals?limit=50", { headers: auth }));
const batch = (k: number) =>
  JSON.stringify({
    items: Array.from({ length: 1000 }, (_, i) => ({
      external_id: `b${k}-${i}`,
      name: `Bench ${k}-${i}`,
      email: `b${i}@x.example`,
    })),
  });
const creates = await time(10, (k) => post(batch(k)));
const unchanged = await time(10, (k) => post(batch(k)));
const replays = await time(50, () => post(batch(0), { "idempotency-key": "bench-1" }));
const rows = [
  `| GET /api/v1/deals?limit=50 (auth + RLS + page) | 200 | ${reads.p50.toFixed(1)} ms | ${reads.p95.toFixed(1)} ms |`,
  `| POST /api/v1/contacts, 1,000 new items | 10 | ${creates.p50.toFixed(0)} ms (${Math.round(1000 / (creates.p50 / 1000)).toLocaleString("en-US")} rows/s) | ${creates.p95.toFixed(0)} ms |`,
  `| same 1,000 items again (0 changes) | 10 | ${unchanged.p50.toFixed(0)} ms | ${unchanged.p95.toFixed(0)} ms |`,
  `| Idempotency-Key replay of a 1,000-item write | 50 | ${replays.p50.toFixed(1)} ms | ${replays.p95.toFixed(1)} ms |`,
];
const out = `# REST API benchmark\n\n\`npm run bench:api\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, database ${deps.db.kind}, store ${deps.store.kind}, ${process.env.BENCH_NOTE ?? "2-core machine shared with other work"}; in-process requests (\`app.request\`), no network.\n\n| request | n | p50 | p95 |\n|---|---|---|---|\n${rows.join("\n")}\n`;
writeFileSync(new URL(`../results/api-${deps.db.kind}.md`, import.meta.url), out);
console.log(out);
await closeDeps(deps);
