import { randomBytes } from "node:crypto";
import type { Config } from "../config.js";
import { markDraftSent } from "./features/drafts/index.js";
import type { ChannelRegistry, DraftSentHook } from "./features/outbox/index.js";
import { type Database, openDatabase } from "./infra/db/client.js";
import { migrateWithOwner, runMigrations } from "./infra/db/migrate.js";
import { createLlm } from "./infra/llm/index.js";
import { createLogger, type Logger } from "./infra/logger.js";
import { createMetrics, type Metrics } from "./infra/metrics.js";
import { openStore } from "./infra/store/index.js";
import { type Clock, systemClock } from "./ports/clock.js";
import type { LlmClient } from "./ports/llm.js";
import type { Store } from "./ports/store.js";

/** Everything a use case needs, built once in the composition root (or per test). */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Database;
  store: Store;
  clock: Clock;
  llm: LlmClient;
  metrics: Metrics;
  /** HMAC secret for action references and signed values. */
  secret: string;
  /** Channel adapters that can deliver outbox messages; filled by the composition root. */
  channels: ChannelRegistry;
  /** How the outbox tells the drafts feature a draft went out (inverted so outbox does not import drafts). */
  onDraftSent: DraftSentHook;
}

export interface CreateDepsOptions {
  logger?: Logger;
  clock?: Clock;
  db?: Database;
  store?: Store;
  metrics?: Metrics;
  llm?: LlmClient;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /** PGlite in memory (tests). */
  inMemory?: boolean;
}

export async function createDeps(config: Config, opts: CreateDepsOptions = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = opts.clock ?? systemClock;
  const metrics = opts.metrics ?? createMetrics();
  const dbOpts = {
    databaseUrl: config.DATABASE_URL,
    dataDir: config.KEEL_DATA_DIR,
    appRole: config.DATABASE_APP_ROLE,
    poolSize: config.DATABASE_POOL_SIZE,
    inMemory: opts.inMemory,
  };
  let db = opts.db;
  if (!db) {
    if (config.DATABASE_URL) {
      if (opts.migrate !== false)
        await migrateWithOwner({ ...dbOpts, migrationUrl: config.MIGRATION_DATABASE_URL }, logger);
      db = await openDatabase(dbOpts);
    } else {
      // PGlite is a single process-local instance: migrate on the same handle.
      db = await openDatabase(dbOpts);
      if (opts.migrate !== false) await runMigrations(db, config.DATABASE_APP_ROLE, logger);
    }
  }
  const store = opts.store ?? (await openStore(config.REDIS_URL));
  const secret = config.KEEL_SECRET ?? randomBytes(32).toString("hex");
  const base = {
    config,
    logger,
    db,
    store,
    clock,
    metrics,
    secret,
    channels: new Map() as ChannelRegistry,
    onDraftSent: markDraftSent,
  };
  const llm = opts.llm ?? (await createLlm(base));
  return { ...base, llm };
}

export async function closeDeps(deps: Deps): Promise<void> {
  // The LLM ledger writes in batches off the request path: flush before the database closes.
  const flush = (deps.llm as { flush?: () => Promise<void> }).flush;
  if (flush)
    await flush.call(deps.llm).catch((err: unknown) => deps.logger.error({ err }, "ledger flush failed"));
  await Promise.allSettled([deps.store.close(), deps.db.close()]);
}
