import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type Config, loadConfig } from "../../src/config.js";
import { type CreateDepsOptions, closeDeps, createDeps, type Deps } from "../../src/core/deps.js";
import { createLogger } from "../../src/core/infra/logger.js";
import { openStore } from "../../src/core/infra/store/index.js";
import { cloneTemplate, pgliteDump, withDb } from "./db-template.js";

/** True when the suite runs against real servers (CI sets these). */
export const realPostgres = Boolean(process.env.DATABASE_URL);
export const realRedis = Boolean(process.env.REDIS_URL);

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
    // Chat-latency limits are production goals measured in bench/; a loaded CI machine gets room.
    LLM_DEADLINE_MS: "30000",
    OPENAI_TIMEOUT_MS: "30000",
    OLLAMA_TIMEOUT_MS: "30000",
    ...envOverrides,
  };
  let dropDb: (() => Promise<void>) | undefined;
  // A copy of the migrated template (built once by vitest's globalSetup) needs no migration.
  let migrated = false;
  if (realPostgres && !("DATABASE_URL" in envOverrides)) {
    const appUrl = process.env.DATABASE_URL!;
    const ownerUrl = process.env.MIGRATION_DATABASE_URL ?? appUrl;
    migrated = await cloneTemplate(ownerUrl, name);
    env.DATABASE_URL = withDb(appUrl, name);
    env.MIGRATION_DATABASE_URL = withDb(ownerUrl, name);
    dropDb = async () => {
      const a = postgres(withDb(ownerUrl, "postgres"), { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    };
  }
  if (realRedis && !("REDIS_URL" in envOverrides)) env.REDIS_URL = process.env.REDIS_URL!;
  const config: Config = loadConfig(env);
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL });
  const store = opts.store ?? (await openStore(config.redis.url, `keel:${name}:`));
  const loadDataDir = config.db.url ? undefined : (pgliteDump() ?? undefined);
  if (loadDataDir) migrated = true;
  const deps = await createDeps(config, {
    inMemory: true,
    loadDataDir,
    migrate: !migrated,
    ...opts,
    logger,
    store,
  });
  return {
    ...deps,
    env,
    cleanup: async () => {
      await closeDeps(deps);
      await dropDb?.();
    },
  };
}
