import { defineConfig } from "vitest/config";
import { WaitingFirstSequencer } from "./test/support/sequencer.js";

/**
 * Four projects (`vitest run --project unit` etc.):
 * - unit: pure logic, no database, network, solver, tokenizer or worker thread — seconds;
 * - integration: real Postgres/Redis when DATABASE_URL/REDIS_URL are set, else PGlite + in-process
 *   store; each file gets its own copy of one migrated template database (see test/support/db-template.ts);
 * - contract: every channel adapter against the shared channel contract;
 * - e2e: the built `keel` binary as a subprocess — generous limits, a loaded machine is slow.
 * 2-core machines: files run two at a time.
 *
 * `isolate: false`: a worker process runs file after file without re-evaluating src/ and its packages
 * for each one — that import was ~1.5 s per file, a quarter of the time summed over files. Test files
 * are still evaluated anew and mocks restored per file. What src/ keeps per process is caches of pure
 * results, or undone by whoever set it (tracing is installed and removed with the deps that start
 * it); dependencies are built per test (createDeps), and no test patches a module (no vi.mock).
 */
/*
 * Without DATABASE_URL every file opens PGlite (Postgres in WebAssembly). V8's optimising wasm tier
 * recompiles it in each worker: ~2 s of CPU and ~400 MB per file for nothing a test needs. The
 * baseline tier alone (the same flag `bin/keel.mjs` sets) runs it; with real servers it is not set.
 */
const wasmTier =
  process.env.DATABASE_URL || process.env.KEEL_WASM_OPTIMIZE === "1" ? {} : { execArgv: ["--liftoff-only"] };
const withDatabase = { globalSetup: ["test/support/global-setup.ts"], ...wasmTier };

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    isolate: false,
    sequence: { sequencer: WaitingFirstSequencer },
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
