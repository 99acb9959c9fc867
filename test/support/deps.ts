import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type Config, loadConfig } from "../../src/config.js";
import { type CreateDepsOptions, closeDeps, createDeps, type Deps } from "../../src/core/deps.js";
import { createLogger } from "../../src/core/infra/logger.js";
import { openStore } from "../../src/core/infra/store/index.js";
import { registerEnvSchemas } from "../../src/env-schemas.js";

/** True when the suite runs against real servers (CI sets these). */
export const realPostgres = Boolean(process.env.DATABASE_URL);
export const realRedis = Boolean(process.env.REDIS_URL);

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export interface TestDeps extends Deps {
  /** The env the deps were built from (fresh database URL etc.), for subprocess tests. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * Deps on a fresh, migrated database: a new Postgres database (as the owner, app connecting through
 * DATABASE_URL's role) when DATABASE_URL is set, otherwise in-memory PGlite. Redis keys get a unique
 * prefix per call. Call `cleanup()` in afterAll.
 */
export async function createTestDeps(
  envOverrides: Record<string, string> = {},
  opts: CreateDepsOptions = {},
): Promise<TestDeps> {
  const name = `keel_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    NODE_ENV: "test",
    ...envOverrides,
  };
  let dropDb: (() => Promise<void>) | undefined;
  if (realPostgres && !("DATABASE_URL" in envOverrides)) {
    const appUrl = process.env.DATABASE_URL!;
    const ownerUrl = process.env.MIGRATION_DATABASE_URL ?? appUrl;
    const admin = postgres(withDb(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    env.DATABASE_URL = withDb(appUrl, name);
    env.MIGRATION_DATABASE_URL = withDb(ownerUrl, name);
    dropDb = async () => {
      const a = postgres(withDb(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    };
  }
  if (realRedis && !("REDIS_URL" in envOverrides)) env.REDIS_URL = process.env.REDIS_URL!;
  registerEnvSchemas();
  const config: Config = loadConfig(env);
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL });
  const store = opts.store ?? (await openStore(config.REDIS_URL, `keel:${name}:`));
  const deps = await createDeps(config, { inMemory: true, ...opts, logger, store });
  return {
    ...deps,
    env,
    cleanup: async () => {
      await closeDeps(deps);
      await dropDb?.();
    },
  };
}
