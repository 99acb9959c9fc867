import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.js";
import { type Database, type DbOptions, openDatabase } from "./client.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const MIGRATIONS_DIR = join(ROOT, "drizzle");

/** Applies the generated migrations, then the hand-written idempotent SQL in drizzle/sql/. */
export async function runMigrations(db: Database, appRole: string, logger?: Logger): Promise<void> {
  if (db.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the concrete driver type
    await migrate(db.orm as any, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the concrete driver type
    await migrate(db.orm as any, { migrationsFolder: MIGRATIONS_DIR });
  }
  const dir = join(MIGRATIONS_DIR, "sql");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8").replaceAll(":app_role", appRole);
    await db.exec(text);
    logger?.debug({ file }, "applied hand-written sql");
  }
}

/** Opens a single-connection client as the owner (MIGRATION_DATABASE_URL or DATABASE_URL), migrates, closes. */
export async function migrateWithOwner(
  opts: DbOptions & { migrationUrl?: string },
  logger?: Logger,
): Promise<void> {
  const db = await openDatabase({ ...opts, databaseUrl: opts.migrationUrl ?? opts.databaseUrl, poolSize: 1 });
  try {
    await runMigrations(db, opts.appRole, logger);
  } finally {
    await db.close();
  }
}
