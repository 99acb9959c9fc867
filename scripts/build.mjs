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
 *
 * One exception, for start-up time: drizzle-orm is bundled into dist/vendor/ (one chunked copy, so
 * every entry point shares its classes) and dist/ imports it from there. Its package.json is 180 kB
 * of `exports`, and Node's resolver re-reads it for each of the ~100 files a query needs: bundled,
 * loading it costs ~0.1 s of CPU instead of ~1.5 s.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith(".js") ? [path] : [];
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

/** Bare specifiers served from dist/vendor/ (every subpath src/ imports). */
const VENDORED = /^drizzle-orm(\/[a-z-]+)*$/;
const vendorFile = (spec) => `${spec.replaceAll("/", "__")}.js`;
const specifiers = new Set();
const outputs = jsFiles(OUT);
for (const file of outputs)
  for (const m of readFileSync(file, "utf8").matchAll(/(?:from |import\()"([^"./][^"]*)"/g))
    if (VENDORED.test(m[1])) specifiers.add(m[1]);
await esbuild.build({
  entryPoints: Object.fromEntries([...specifiers].map((s) => [vendorFile(s).slice(0, -3), s])),
  outdir: join(OUT, "vendor"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  // drizzle's drivers stay real dependencies (PGlite has wasm and data files next to its code).
  external: ["@electric-sql/pglite", "postgres"],
  logLevel: "warning",
});
for (const file of outputs) {
  const text = readFileSync(file, "utf8");
  const rel = relative(dirname(file), join(OUT, "vendor")) || ".";
  const next = text.replace(/(from |import\()"([^"./][^"]*)"/g, (whole, lead, spec) =>
    VENDORED.test(spec) ? `${lead}"${rel.startsWith(".") ? rel : `./${rel}`}/${vendorFile(spec)}"` : whole,
  );
  if (next !== text) writeFileSync(file, next);
}

console.log(`keel build: ${entryPoints.length} files → ${relative(ROOT, OUT)}/ in ${Date.now() - started} ms`);
