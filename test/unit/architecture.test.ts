import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^"'\n]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);
}

describe("architecture", () => {
  it("src/core never imports channels, HTTP, jobs, the composition root or chat SDKs", () => {
    const offenders: string[] = [];
    for (const f of files(join(ROOT, "src/core"))) {
      for (const spec of imports(f)) {
        const bad =
          /^@slack\//.test(spec) ||
          spec === "whatsapp-web.js" ||
          /^(\.\.\/)+(bots|http|jobs)\//.test(spec) ||
          /^(\.\.\/)+(app|main|cli|starters|feature-handlers|env-schemas)\.js$/.test(spec);
        if (bad) offenders.push(`${relative(ROOT, f)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("relative imports use .js suffixes (ESM)", () => {
    const offenders: string[] = [];
    for (const f of files(join(ROOT, "src"))) {
      for (const spec of imports(f))
        if (spec.startsWith(".") && !spec.endsWith(".js") && !spec.endsWith(".json"))
          offenders.push(`${relative(ROOT, f)}: ${spec}`);
    }
    expect(offenders).toEqual([]);
  });
});
