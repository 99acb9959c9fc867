import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.js";
import { type Database, type DbOptions, openDatabase } from "./client.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const MIGRATIONS_DIR = join(ROOT, "drizzle");

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

const hashes = new Map<string, string>();
/**
 * Hash of every file in drizzle/ (names and contents) and the app role the SQL is written for: the
 * schema version. Stored in the database after a migration; equal hash = nothing to apply.
 */
export function migrationsHash(appRole: string): string {
  const known = hashes.get(appRole);
  if (known) return known;
  const h = createHash("sha256").update(appRole);
  for (const f of filesUnder(MIGRATIONS_DIR))
    h.update(f.slice(MIGRATIONS_DIR.length)).update(readFileSync(f));
  const hash = h.digest("hex").slice(0, 16);
  hashes.set(appRole, hash);
  return hash;
}

/** The schema version recorded by the last complete migration, or undefined (none yet / older Keel). */
async function appliedHash(db: Database): Promise<string | undefined> {
  try {
    const [row] = await db.rows<{ hash: string }>(
      sql`select hash from drizzle.keel_schema_state where id = 1`,
    );
    return row?.hash;
  } catch {
    return undefined;
  }
}

export interface MigrateOptions {
  /** Apply even when the recorded schema version matches (`keel migrate`, the idempotency test). */
  force?: boolean;
}

/**
 * Applies the generated migrations, then the hand-written idempotent SQL in drizzle/sql/, and records
 * the schema version. When the recorded version equals this build's, it is one small query: every
 * command runs this on start, so an up-to-date database costs nothing to check.
 */
export async function runMigrations(
  db: Database,
  appRole: string,
  logger?: Logger,
  opts: MigrateOptions = {},
): Promise<void> {
  const hash = migrationsHash(appRole);
  if (!opts.force && (await appliedHash(db)) === hash) {
    logger?.debug({ hash }, "schema up to date");
    return;
  }
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
  await db.exec(
    "create schema if not exists drizzle; create table if not exists drizzle.keel_schema_state " +
      "(id int primary key check (id = 1), hash text not null, applied_at timestamptz not null default now())",
  );
  await db.rows(
    sql`insert into drizzle.keel_schema_state (id, hash) values (1, ${hash})
        on conflict (id) do update set hash = excluded.hash, applied_at = now()`,
  );
  logger?.info({ hash }, "migrations applied");
}

/** Opens a single-connection client as the owner (MIGRATION_DATABASE_URL or DATABASE_URL), migrates, closes. */
export async function migrateWithOwner(
  opts: DbOptions & { migrationUrl?: string },
  logger?: Logger,
  migrate: MigrateOptions = {},
): Promise<void> {
  const db = await openDatabase({ ...opts, databaseUrl: opts.migrationUrl ?? opts.databaseUrl, poolSize: 1 });
  try {
    await runMigrations(db, opts.appRole, logger, migrate);
  } finally {
    await db.close();
  }
}
