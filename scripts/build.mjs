#!/usr/bin/env node
/**
 * Compiles src/ to dist/ (one .js file per .ts file, same folder layout) so `keel` runs plain
 * JavaScript: no TypeScript is transpiled at run time. Run by npm's `prepare` (so `npm ci` builds it)
 * and by `npm run build`.
 *
 * Why esbuild file-by-file and not a bundle: files find `drizzle/` and `prompts/` relative to
 * `import.meta.url`, worker threads are started from their own module file, and dependencies with
 * native/wasm parts (PGlite, resvg, highs) must stay in node_modules — a mirror of src/ keeps all of
 * that true, and dynamic `import()` keeps loading heavy modules only when a command needs them.
 * Why not tsc: esbuild transpiles the whole tree in well under a second; `npm test` still type-checks.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");
const OUT = join(ROOT, "dist");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  // A production install without devDependencies: bin/keel.mjs falls back to tsx on src/.
  console.warn("keel build: esbuild is not installed; skipping (keel will run src/ through tsx).");
  process.exit(0);
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
const entryPoints = sources(SRC);
await esbuild.build({
  entryPoints,
  outdir: OUT,
  outbase: SRC,
  bundle: false,
  format: "esm",
  platform: "node",
  target: "node24",
  sourcemap: "linked",
  logLevel: "warning",
});
console.log(`keel build: ${entryPoints.length} files → ${relative(ROOT, OUT)}/ in ${Date.now() - started} ms`);
