import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Worker processes of the crash and lease tests (test/support/*-worker.ts) run as real `node`
 * processes. Started through tsx, each spends ~3 s of CPU resolving and transpiling src/ before it
 * does anything; the global setup therefore bundles them once per `vitest run` against the dist/ it
 * has just built from the current src/ (so they run the same compiled code as `keel`), and tests
 * start that bundle. Outside vitest (benchmarks) or when nothing was built, tsx runs the source.
 */
export const WORKERS = ["digest-worker", "outbox-worker", "lease-worker"] as const;
export type WorkerName = (typeof WORKERS)[number];

const ROOT = join(import.meta.dirname, "../..");
/** Inside dist/, so every build of dist/ (scripts/build.mjs empties it first) drops stale bundles. */
export const WORKERS_DIR = join(ROOT, "dist/test-workers");

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the global setup bundled the worker processes this run; unset: run them through tsx. */
    workersDir?: string;
  }
}

/** `node` arguments that start worker `name`: its bundle in `builtDir` if there is one, else tsx on the source. */
export function workerArgs(name: WorkerName, builtDir?: string): string[] {
  const built = builtDir ? join(builtDir, `${name}.mjs`) : undefined;
  if (built && existsSync(built)) return [built];
  return ["--import", "tsx", join(ROOT, `test/support/${name}.ts`)];
}

/**
 * Bundles the workers into WORKERS_DIR: test/support code is bundled, every src/ module is imported
 * from dist/ (one instance each, as in `keel`), packages stay in node_modules.
 */
export async function buildWorkers(project: TestProject): Promise<void> {
  const esbuild = await import("esbuild");
  const src = join(ROOT, "src");
  await esbuild.build({
    entryPoints: Object.fromEntries(WORKERS.map((w) => [w, join(ROOT, `test/support/${w}.ts`)])),
    outdir: WORKERS_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "src-from-dist",
        setup(b) {
          b.onResolve({ filter: /\/src\// }, (a) => {
            const path = join(a.resolveDir, a.path);
            if (!path.startsWith(`${src}/`)) return undefined;
            return { path: join(ROOT, "dist", path.slice(src.length + 1)), external: true };
          });
        },
      },
    ],
  });
  project.provide("workersDir", WORKERS_DIR);
}
