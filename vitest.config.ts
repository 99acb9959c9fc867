import { defineConfig } from "vitest/config";

/**
 * Four projects (`vitest run --project unit` etc.):
 * - unit: pure logic, no database, network, solver, tokenizer or worker thread — seconds;
 * - integration: real Postgres/Redis when DATABASE_URL/REDIS_URL are set, else PGlite + in-process
 *   store; each file gets its own copy of one migrated template database (see test/support/db-template.ts);
 * - contract: every channel adapter against the shared channel contract;
 * - e2e: the built `keel` binary as a subprocess — generous limits, a loaded machine is slow.
 * 2-core machines: files run two at a time.
 */
const withDatabase = { globalSetup: ["test/support/global-setup.ts"] };

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    setupFiles: ["test/support/setup.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          ...withDatabase,
        },
      },
      {
        extends: true,
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          ...withDatabase,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          ...withDatabase,
        },
      },
    ],
  },
});
