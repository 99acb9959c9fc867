import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensurePgliteDump, ensurePostgresTemplate } from "./db-template.js";
import { buildWorkers } from "./workers.js";

const ROOT = join(import.meta.dirname, "../..");

/** One build of dist/ per `vitest run`, shared by the projects that need it (each loads this file anew). */
const BUILT = Symbol.for("keel.test.dist-built");
type WithBuilt = typeof globalThis & { [BUILT]?: boolean };

function buildDist(): void {
  const g = globalThis as WithBuilt;
  if (g[BUILT]) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  g[BUILT] = true;
}

/**
 * Once per `vitest run` (per project that lists it): the migrated database every test file copies —
 * a Postgres template database with DATABASE_URL set, else a dumped PGlite data dir; a fresh build
 * of dist/ for the e2e project (`bin/keel.mjs` runs the compiled code under test) and, on real
 * servers, for the integration project's worker processes (test/support/workers.ts).
 */
export default async function setup(project: TestProject): Promise<void> {
  const appUrl = process.env.DATABASE_URL;
  if (appUrl) await ensurePostgresTemplate(appUrl, process.env.MIGRATION_DATABASE_URL ?? appUrl);
  else await ensurePgliteDump();
  if (project.name === "e2e") buildDist();
  // The crash and lease tests start worker processes; they run only with real Postgres.
  if (project.name === "integration" && appUrl) {
    buildDist();
    await buildWorkers(project);
  }
}
