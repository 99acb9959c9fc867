import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openDatabase } from "../../src/core/infra/db/client.js";
import {
  migrateWithOwner,
  migrationsHash as migrationsHashFor,
  runMigrations,
} from "../../src/core/infra/db/migrate.js";

/**
 * A migrated database built once and copied per test file, instead of migrating every file:
 * on Postgres a template database (`CREATE DATABASE x TEMPLATE keel_tpl_<hash>`), on PGlite a dumped
 * data dir loaded into each in-memory instance. Both are keyed by a hash of drizzle/, so a changed
 * migration builds a new one. vitest's globalSetup builds them; createTestDeps uses them when present.
 */

const APP_ROLE = process.env.DATABASE_APP_ROLE || "keel_app";

/** Hash of drizzle/ and the app role: the schema version runMigrations records (one definition). */
export const migrationsHash = (): string => migrationsHashFor(APP_ROLE).slice(0, 12);

export const templateName = () => `keel_tpl2_${migrationsHash()}`;
export const pgliteDumpPath = () => join(tmpdir(), `keel-test-pglite2-${migrationsHash()}.tar`);

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Builds the Postgres template once (under an advisory lock: several runs may share one server). */
export async function ensurePostgresTemplate(appUrl: string, ownerUrl: string): Promise<string> {
  const name = templateName();
  const admin = postgres(withDb(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(hashtext(${name}))`;
    const [found] = await admin`select 1 as ok from pg_database where datname = ${name}`;
    if (!found) {
      const building = `${name}_build`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}"`);
      await migrateWithOwner({
        databaseUrl: withDb(appUrl, building),
        migrationUrl: withDb(ownerUrl, building),
        dataDir: "",
        appRole: APP_ROLE,
      });
      // Renamed only once complete, so a half-built template is never cloned.
      await admin.unsafe(`alter database "${building}" rename to "${name}"`);
    }
    await admin`select pg_advisory_unlock(hashtext(${name}))`;
  } finally {
    await admin.end();
  }
  return name;
}

/** Postgres: a fresh database cloned from the template, or null when there is no template yet. */
export async function cloneTemplate(ownerUrl: string, db: string): Promise<boolean> {
  const name = templateName();
  const admin = postgres(withDb(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 as ok from pg_database where datname = ${name}`;
    await admin.unsafe(found ? `create database "${db}" template "${name}"` : `create database "${db}"`);
    return Boolean(found);
  } finally {
    await admin.end();
  }
}

/** Builds the PGlite dump once: a migrated in-memory instance's data dir, written atomically. */
export async function ensurePgliteDump(): Promise<string> {
  const path = pgliteDumpPath();
  if (existsSync(path)) return path;
  const db = await openDatabase({ dataDir: "", appRole: APP_ROLE, inMemory: true });
  try {
    await runMigrations(db, APP_ROLE);
    const dump = await db.dumpDataDir!();
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, path);
  } finally {
    await db.close();
  }
  return path;
}

let dump: Blob | null | undefined;
/** The dumped, migrated PGlite data dir, or null when globalSetup did not build it (e.g. a bench). */
export function pgliteDump(): Blob | null {
  if (dump !== undefined) return dump;
  const path = pgliteDumpPath();
  dump = existsSync(path) ? new Blob([readFileSync(path)]) : null;
  return dump;
}
