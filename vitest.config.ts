import { defineConfig } from "vitest/config";

// 2-core machines: run test files two at a time; integration files each get their own database.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["test/support/setup.ts"],
  },
});
