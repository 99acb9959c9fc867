import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/core/infra/db/client.js";
import { migrationsHash, runMigrations } from "../../src/core/infra/db/migrate.js";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";

describe("migrations", () => {
  let d: TestDeps;
  beforeAll(async () => {
    d = await createTestDeps();
  });
  afterAll(() => d.cleanup());

  it("create every table of the data model from an empty database", async () => {
    const res = await d.db.orm.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    const names = (
      (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { table_name: string }[]
    ).map((r) => r.table_name);
    for (const t of [
      "tenants",
      "users",
      "memberships",
      "channel_links",
      "identities",
      "conversations",
      "messages",
      "pipelines",
      "stages",
      "deals",
      "deal_notes",
      "contacts",
      "invoices",
      "payments",
      "metric_series",
      "metric_points",
      "goals",
      "drafts",
      "draft_events",
      "outbox",
      "job_runs",
      "llm_calls",
      "budgets",
      "idempotency_keys",
    ])
      expect(names).toContain(t);
  });

  it("can run again without changing anything (idempotent)", async () => {
    if (realPostgres) {
      const owner = await openDatabase({
        databaseUrl: d.env.MIGRATION_DATABASE_URL,
        dataDir: "",
        appRole: d.config.db.appRole,
        poolSize: 1,
      });
      await expect(
        runMigrations(owner, d.config.db.appRole, undefined, { force: true }),
      ).resolves.toBeUndefined();
      await owner.close();
    } else
      await expect(
        runMigrations(d.db, d.config.db.appRole, undefined, { force: true }),
      ).resolves.toBeUndefined();
  });

  it("records the schema version; an unchanged version is one query, a changed one migrates again", async () => {
    const owner = realPostgres
      ? await openDatabase({
          databaseUrl: d.env.MIGRATION_DATABASE_URL,
          dataDir: "",
          appRole: d.config.db.appRole,
          poolSize: 1,
        })
      : d.db;
    const state = async () =>
      (
        await owner.rows<{ hash: string; at: string }>(
          sql`select hash, applied_at::text as at from drizzle.keel_schema_state where id = 1`,
        )
      )[0];
    try {
      const before = await state();
      expect(before?.hash).toBe(migrationsHash(d.config.db.appRole));
      await runMigrations(owner, d.config.db.appRole);
      expect(await state()).toEqual(before);
      await owner.exec("update drizzle.keel_schema_state set hash = 'older-build' where id = 1");
      await runMigrations(owner, d.config.db.appRole);
      const after = await state();
      expect(after?.hash).toBe(migrationsHash(d.config.db.appRole));
      expect(after?.at).not.toBe(before?.at);
    } finally {
      if (owner !== d.db) await owner.close();
    }
  });
});
