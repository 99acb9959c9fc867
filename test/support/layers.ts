import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";

/** A source file as the layer rules see it: its path from the repo root (forward slashes) and text. */
export interface Source {
  file: string;
  text: string;
}

/** One import edge: `to` is the repo-relative target of a relative import, or the bare specifier. */
export interface Edge {
  from: string;
  spec: string;
  to: string;
  relative: boolean;
}

export type LayerRule = (edge: Edge) => boolean;

export const REPO_ROOT = join(import.meta.dirname, "../..");

export function readSources(dir: string, root = REPO_ROOT): Source[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
    });
  return walk(join(root, dir)).map((p) => ({
    file: relative(root, p).split("\\").join("/"),
    text: readFileSync(p, "utf8"),
  }));
}

// Static imports and re-exports (also spread over several lines, also `import type`), side-effect
// imports and dynamic `import("…")`.
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']|(?:^|\n)\s*import\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export function edges(src: Source): Edge[] {
  return [...src.text.matchAll(IMPORT)].map((m) => {
    const spec = (m[1] ?? m[2] ?? m[3]) as string;
    const rel = spec.startsWith(".");
    return {
      from: src.file,
      spec,
      to: rel ? posix.normalize(posix.join(dirname(src.file), spec)) : spec,
      relative: rel,
    };
  });
}

/** "<file> imports <spec>" for every edge the rule forbids. */
export function offenders(rule: LayerRule, sources: Source[]): string[] {
  return sources.flatMap((s) =>
    edges(s)
      .filter(rule)
      .map((e) => `${e.from} imports ${e.spec}`),
  );
}

const FEATURE = /^src\/core\/features\/([^/]+)\/(.+)$/;

/** Another feature is reached only through its index.ts (a feature's own files are free to meet). */
export const noDeepFeatureImports: LayerRule = (e) => {
  const target = e.relative ? FEATURE.exec(e.to) : null;
  if (!target) return false;
  const own = FEATURE.exec(e.from)?.[1];
  return target[1] !== own && target[2] !== "index.js";
};

/** The kernel imports only itself, node built-ins and npm packages. */
export const kernelImportsNothingAbove: LayerRule = (e) =>
  e.from.startsWith("src/core/kernel/") && e.relative && !e.to.startsWith("src/core/kernel/");

/** Infrastructure does not know the features; what it needs from one comes in through a port. */
export const infraImportsNoFeatures: LayerRule = (e) =>
  e.from.startsWith("src/core/infra/") && e.relative && e.to.startsWith("src/core/features/");

/** Core reaches outside itself only for the parsed config; never bots, http, jobs, cli, demo, the root. */
export const coreStaysInside: LayerRule = (e) =>
  e.from.startsWith("src/core/") && e.relative && !e.to.startsWith("src/core/") && e.to !== "src/config.js";

/** Demo data feeds `keel demo` and benchmarks; the product never depends on it. */
export const coreImportsNoDemo: LayerRule = (e) =>
  e.from.startsWith("src/core/") && e.relative && e.to.startsWith("src/demo/");

/** Where jobs and the CLI may still speak SQL: the jobs' own claim store (`job_runs`). */
export const SQL_OWNERS = new Set(["src/jobs/claims.ts"]);

/**
 * Jobs and the CLI call a feature's entry point; they never query another feature's tables. Flags an
 * import of drizzle or the schema, and raw access through `db.orm` / `db.rows` (a `tenantTx` handed
 * to a feature function is fine).
 */
export function rawSqlOffenders(sources: Source[], owners = SQL_OWNERS): string[] {
  return sources
    .filter((s) => /^src\/(jobs|cli)\//.test(s.file) && !owners.has(s.file))
    .flatMap((s) => [
      ...edges(s)
        .filter((e) => /^drizzle-orm(\/|$)/.test(e.spec) || e.to.startsWith("src/core/infra/db/schema/"))
        .map((e) => `${s.file} imports ${e.spec}`),
      ...[...s.text.matchAll(/\bdb\.(orm|rows)\b/g)].map((m) => `${s.file} uses db.${m[1]}`),
    ]);
}
