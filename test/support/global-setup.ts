import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensurePgliteDump, ensurePostgresTemplate } from "./db-template.js";

const ROOT = join(import.meta.dirname, "../..");

/**
 * Once per `vitest run` (per project that lists it): the migrated database every test file copies —
 * a Postgres template database with DATABASE_URL set, else a dumped PGlite data dir; for the e2e
 * project also a fresh build of dist/, so `bin/keel.mjs` runs the compiled code under test.
 */
export default async function setup(project: TestProject): Promise<void> {
  const appUrl = process.env.DATABASE_URL;
  if (appUrl) await ensurePostgresTemplate(appUrl, process.env.MIGRATION_DATABASE_URL ?? appUrl);
  else await ensurePgliteDump();
  if (project.name === "e2e") {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  }
}
