import { mkdirSync } from "node:fs";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { AppError } from "../../kernel/errors.js";
import { span } from "../telemetry/trace.js";
import { PgliteGate } from "./pglite-gate.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
/** The drizzle database or a transaction of it; repositories take this. */
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Orm["transaction"]>[0]>[0];

export interface Database {
  readonly kind: "postgres" | "pglite";
  /** Unscoped access: only for tables without RLS (tenants, job_runs) and SECURITY DEFINER lookups. */
  readonly orm: Orm;
  /**
   * Runs `fn` in a transaction as the application role with `app.tenant_id` set for that transaction
   * only. All tenant data goes through here; RLS makes other tenants' rows invisible.
   */
  tenantTx<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs one statement outside any tenant transaction and returns its rows, whatever the driver
   *  (postgres.js returns an array, PGlite a result object). For SECURITY DEFINER lookups and job_runs. */
  rows<T>(query: SQL): Promise<T[]>;
  /** Runs a multi-statement SQL script (simple protocol), as the connected login. */
  exec(script: string): Promise<void>;
  /**
   * Runs `fn` with its statements ahead of queued background work: for the little written before a
   * channel's ack (the inbox record). Embedded PGlite shares this thread with the acks; on Postgres
   * this just runs `fn`.
   */
  urgent<T>(fn: () => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite only: the data dir as a tar (tests load a migrated copy instead of migrating again). */
  dumpDataDir?: () => Promise<Blob>;
}

export interface DbOptions {
  databaseUrl?: string;
  dataDir: string;
  appRole: string;
  poolSize?: number;
  /** PGlite only: Postgres shared_buffers in MB (PGlite's own default is 128). */
  sharedBuffersMb?: number;
  /** PGlite only: keep everything in memory (tests). */
  inMemory?: boolean;
  /** PGlite in memory only: start from this dumped data dir (`dumpDataDir()`), e.g. a migrated template. */
  loadDataDir?: Blob;
}

/** Rows of a drizzle `execute` result on either driver. */
export function resultRows<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

/** Attributes of a database span: the system and driver, never SQL text or parameters. */
const dbAttrs = (driver: Database["kind"], operation: string) => ({
  "db.system.name": "postgresql",
  "db.operation.name": operation,
  "keel.db.driver": driver,
});

function makeTenantTx(orm: Orm, appRole: string, driver: Database["kind"]) {
  return <T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    span(
      "db.transaction",
      {
        kind: "client",
        onlyInTrace: true,
        attributes: { ...dbAttrs(driver, "transaction"), "keel.tenant.id": tenantId },
      },
      () =>
        orm.transaction(async (tx) => {
          // Role name is validated by the config schema; identifiers cannot be bound parameters.
          await tx.execute(sql.raw(`set local role "${appRole}"`));
          await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
          return fn(tx);
        }),
    );
}

const tracedRows =
  (driver: Database["kind"], orm: Orm) =>
  async <T>(query: SQL): Promise<T[]> =>
    span("db.query", { kind: "client", onlyInTrace: true, attributes: dbAttrs(driver, "query") }, async () =>
      resultRows<T>(await orm.execute(query)),
    );

/** Redacts the password of a connection URL for messages. */
export function safeUrl(u: string): string {
  try {
    const parsed = new URL(u);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export async function openDatabase(opts: DbOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.databaseUrl, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
    });
    try {
      await client`select 1`;
    } catch (cause) {
      await client.end({ timeout: 1 }).catch(() => {});
      throw new AppError(
        "db_unreachable",
        `Cannot connect to the database at ${safeUrl(opts.databaseUrl)} (${(cause as Error).message}). Check DATABASE_URL and that Postgres is running, or unset DATABASE_URL to use the embedded database.`,
        { cause },
      );
    }
    const orm = drizzle(client, { schema }) as unknown as Orm;
    return {
      kind: "postgres",
      orm,
      tenantTx: makeTenantTx(orm, opts.appRole, "postgres"),
      rows: tracedRows("postgres", orm),
      exec: async (script) => {
        await client.unsafe(script).simple();
      },
      urgent: (fn) => fn(),
      ping: async () => {
        try {
          await client`select 1`;
          return true;
        } catch {
          return false;
        }
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  // Extensions PGlite bundles but only loads when asked: pg_trgm (similar-deal text search, name
  // index) and pgvector (deal embeddings). A data dir that used them needs them loaded on every open.
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { vector } = await import("@electric-sql/pglite/vector");
  // PGlite starts Postgres with shared_buffers = 128 MB, which it touches as it starts: ~150 MB of
  // resident memory in every process whatever the data size. Its own start parameters plus a smaller pool.
  const startParams = [...PGlite.defaultStartParams, "-c", `shared_buffers=${opts.sharedBuffersMb ?? 16}MB`];
  // Keel's data lives in the database PGlite 0.3 connected to by default (template1); 0.4 defaults to
  // "postgres", so it is named: data dirs made by earlier versions open with all their data.
  const common = {
    extensions: { pg_trgm, vector },
    startParams,
    // A new data dir: initdb's own run and the postgresql.conf it writes use the same pool size.
    initDbStartParams: ["-c", `shared_buffers=${opts.sharedBuffersMb ?? 16}MB`],
    database: "template1",
  };
  let pg: InstanceType<typeof PGlite>;
  if (opts.inMemory)
    pg = new PGlite(opts.loadDataDir ? { ...common, loadDataDir: opts.loadDataDir } : common);
  else {
    mkdirSync(opts.dataDir, { recursive: true });
    pg = new PGlite(`${opts.dataDir.replace(/\/$/, "")}/pgdata`, common);
  }
  await pg.waitReady;
  // Every statement and transaction drizzle sends goes through the gate (see pglite-gate.ts).
  const gate = new PgliteGate();
  const gated = {
    query: (...a: Parameters<typeof pg.query>) => gate.run(() => pg.query(...a)),
    exec: (...a: Parameters<typeof pg.exec>) => gate.run(() => pg.exec(...a)),
    transaction: <T>(fn: Parameters<typeof pg.transaction<T>>[0]) => gate.run(() => pg.transaction(fn)),
  };
  const orm = drizzle({ client: gated as unknown as InstanceType<typeof PGlite>, schema }) as unknown as Orm;
  return {
    kind: "pglite",
    orm,
    tenantTx: makeTenantTx(orm, opts.appRole, "pglite"),
    rows: tracedRows("pglite", orm),
    exec: async (script) => {
      await gated.exec(script);
    },
    urgent: (fn) => gate.urgent(fn),
    dumpDataDir: () => pg.dumpDataDir("none"),
    ping: async () => {
      try {
        await gated.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    close: () => pg.close(),
  };
}

export { schema };
