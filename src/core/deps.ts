import { randomBytes } from "node:crypto";
import type { Config } from "../config.js";
import { type Database, openDatabase } from "./infra/db/client.js";
import { migrateWithOwner, runMigrations } from "./infra/db/migrate.js";
import { createLlm } from "./infra/llm/index.js";
import { createLogger, type Logger } from "./infra/logger.js";
import { createMetrics, type Metrics } from "./infra/metrics.js";
import { openStore } from "./infra/store/index.js";
import type { ChannelRegistry, DraftSentHook } from "./ports/chat-adapter.js";
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
  /** PGlite in memory: start from this dumped (migrated) data dir. */
  loadDataDir?: Blob;
}

export async function createDeps(config: Config, opts: CreateDepsOptions = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: config.app.logLevel });
  const clock = opts.clock ?? systemClock;
  const metrics = opts.metrics ?? createMetrics();
  const dbOpts = {
    databaseUrl: config.db.url,
    dataDir: config.app.dataDir,
    appRole: config.db.appRole,
    poolSize: config.db.poolSize,
    sharedBuffersMb: config.db.pgliteSharedBuffersMb,
    inMemory: opts.inMemory,
    loadDataDir: opts.loadDataDir,
  };
  // The store first: an unreachable Redis fails start-up before any migration runs.
  const store = opts.store ?? (await openStore(config.redis.url));
  let db = opts.db;
  try {
    if (!db && config.db.url) {
      if (opts.migrate !== false)
        await migrateWithOwner({ ...dbOpts, migrationUrl: config.db.migrationUrl }, logger);
      db = await openDatabase(dbOpts);
    } else if (!db) {
      // PGlite is a single process-local instance: migrate on the same handle.
      db = await openDatabase(dbOpts);
      if (opts.migrate !== false) await runMigrations(db, config.db.appRole, logger);
    }
  } catch (e) {
    if (!opts.store) await store.close();
    throw e;
  }
  const secret = config.app.secret ?? randomBytes(32).toString("hex");
  const base = {
    config,
    logger,
    db,
    store,
    clock,
    metrics,
    secret,
    channels: new Map() as ChannelRegistry,
    // Drafts owns what "sent" means; bound late so this hub file imports no feature (no cycle).
    onDraftSent: (async (...args: Parameters<DraftSentHook>) =>
      (await import("./features/drafts/index.js")).markDraftSent(...args)) as DraftSentHook,
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
