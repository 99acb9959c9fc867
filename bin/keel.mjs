#!/usr/bin/env node
// The `keel` command. Runs the compiled JavaScript in dist/ (built by `npm run build`, which npm's
// `prepare` runs on `npm ci`). A checkout where dist/ is missing or older than src/ (you are editing
// the sources) runs src/ through tsx instead, so a stale build never answers for newer code.
import { existsSync, readdirSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const major = Number(process.versions.node.split(".")[0]);
if (major !== 24) {
  process.stderr.write(
    `keel needs Node 24 (this is ${process.version}). Run it through npm (npx keel, npm start), which uses the Node ` +
      "installed with the project, or install Node 24.\n",
  );
  process.exit(1);
}

// The embedded database (PGlite) is Postgres compiled to WebAssembly. V8's optimising wasm tier
// (TurboFan) recompiles its hot functions as it starts: ~2 s of CPU and ~400 MB more peak memory,
// which a one-shot command never earns back, and which a server keeps as resident memory. V8 reads
// this flag only at process start, so the process replaces itself once with it set (execve: same pid,
// no second process). KEEL_WASM_OPTIMIZE=1 keeps the optimising tier (e.g. heavy solver runs).
// The same restart caps V8's young generation at 8 MB per semi-space: the default lets an idle
// `keel start` grow ~60 MB of nursery it never needs (bench/results/cli.md), while chat turns,
// imports and the cash simulation run no slower with it (bench:cash measured both ways).
if (
  !process.env.DATABASE_URL &&
  process.env.KEEL_WASM_OPTIMIZE !== "1" &&
  !process.execArgv.includes("--liftoff-only") &&
  typeof process.execve === "function"
) {
  const { fileURLToPath } = await import("node:url");
  process.execve(
    process.execPath,
    [
      process.execPath,
      "--liftoff-only",
      "--max-semi-space-size=8",
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    process.env,
  );
}

/** Newest modification time under a folder (ms), walking it once; ~300 files take a few ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = new URL("dist/cli.js", root);
const src = new URL("src", root).pathname;
const useBuild =
  existsSync(built) &&
  (!existsSync(src) || statSync(built).mtimeMs >= newest(src) || process.env.KEEL_USE_DIST === "1");

let main;
if (useBuild) ({ main } = await import(built.href));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(new URL("src/cli.ts", root).href));
}
await main(process.argv.slice(2));
