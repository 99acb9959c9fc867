import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "../support/import-graph.js";
import {
  coreImportsNoDemo,
  coreStaysInside,
  infraImportsNoFeatures,
  kernelImportsNothingAbove,
  type LayerRule,
  noDeepFeatureImports,
  offenders,
  rawSqlOffenders,
  readSources,
  type Source,
  SQL_OWNERS,
} from "../support/layers.js";

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
          /^(\.\.\/)+(app|main|cli|starter|starters|feature-handlers)\.js$/.test(spec);
        if (bad) offenders.push(`${relative(ROOT, f)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("src has no import cycles (type-only imports count; a deliberate late import() does not)", () => {
    const cycles = importCycles(importGraph(join(ROOT, "src"))).map((c) => c.map((f) => relative(ROOT, f)));
    expect(cycles).toEqual([]);
  });

  it("the cycle check finds a planted cycle", () => {
    const dir = mkdtempSync(join(tmpdir(), "keel-cycle-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
      writeFileSync(
        join(dir, "b.ts"),
        'import type { C } from "./c.js";\nexport const b = 1 as unknown as C;\n',
      );
      writeFileSync(
        join(dir, "c.ts"),
        'import { a } from "./a.js";\nexport type C = ReturnType<typeof a>;\n',
      );
      writeFileSync(
        join(dir, "leaf.ts"),
        'import { a } from "./a.js";\nexport const leaf = () => import("./leaf.js").then(() => a);\n',
      );
      const cycles = importCycles(importGraph(dir)).map((c) => c.map((f) => relative(dir, f)));
      expect(cycles).toEqual([["a.ts", "b.ts", "c.ts"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

// Layer rules over every file in src/. Each rule is also run on a planted violation, so a rule that
// silently matches nothing (a broken regex, a moved folder) fails here instead of passing forever.
describe("layers", () => {
  const src = readSources("src");
  const planted = (file: string, text: string): Source[] => [{ file, text }];
  const check = (rule: LayerRule, bad: Source[], good: Source[]) => {
    expect(offenders(rule, src)).toEqual([]);
    expect(offenders(rule, bad)).toHaveLength(1);
    expect(offenders(rule, good)).toEqual([]);
  };

  it("features reach another feature only through its index.ts", () => {
    check(
      noDeepFeatureImports,
      planted("src/core/features/drafts/x.ts", 'import {\n  findDeal,\n} from "../deals/queries.js";'),
      [
        ...planted("src/core/features/drafts/y.ts", 'import { findDeal } from "../deals/index.js";'),
        ...planted("src/core/features/deals/z.ts", 'import type { DealRow } from "./queries.js";'),
        ...planted("src/jobs/w.ts", 'export * from "../core/features/deals/index.js";'),
      ],
    );
    // Outside core too: jobs, CLI and adapters call a feature's entry point.
    expect(
      offenders(
        noDeepFeatureImports,
        planted("src/jobs/x.ts", 'import("../core/features/deals/queries.js")'),
      ),
    ).toHaveLength(1);
  });

  it("the kernel imports nothing above it (only itself, node and npm)", () => {
    check(
      kernelImportsNothingAbove,
      planted("src/core/kernel/x.ts", 'import type { Logger } from "../infra/logger.js";'),
      planted(
        "src/core/kernel/y.ts",
        'import pLimit from "p-limit";\nimport { z } from "./csv/index.js";\nimport { x } from "node:fs";',
      ),
    );
  });

  it("infra does not import features (a port inverts what it needs)", () => {
    check(
      infraImportsNoFeatures,
      planted("src/core/infra/llm/x.ts", 'import { can } from "../../features/auth/index.js";'),
      planted("src/core/infra/llm/y.ts", 'import type { Clock } from "../../ports/clock.js";'),
    );
  });

  it("src/core imports no bots, http, jobs, cli, demo or composition root", () => {
    check(
      coreStaysInside,
      planted("src/core/features/deals/x.ts", 'import { runCli } from "../../../cli/ops.js";'),
      planted("src/core/deps.ts", 'import type { Config } from "../config.js";'),
    );
  });

  it("src/core imports nothing from the demo data", () => {
    check(
      coreImportsNoDemo,
      planted("src/core/features/coach/x.ts", 'const d = await import("../../../demo/company.js");'),
      planted("src/demo/y.ts", 'import { insertPipeline } from "./insert.js";'),
    );
  });

  it("jobs and the CLI call feature entry points, never SQL on a feature's tables", () => {
    // The reminder recipient lookup in sweep-drafts.ts is being moved into the drafts feature
    // (issue 11, engineer "drafts"); remove it from this list when it lands.
    const owners = new Set([...SQL_OWNERS, "src/jobs/sweep-drafts.ts"]);
    expect(rawSqlOffenders(src, owners)).toEqual([]);
    const bad = [
      ...planted("src/jobs/x.job.ts", 'import { sql } from "drizzle-orm";'),
      ...planted("src/cli/y.ts", 'import { tenants } from "../core/infra/db/schema/index.js";'),
      ...planted("src/cli/z.ts", "const [t] = await deps.db.orm.select().from(tenants);"),
    ];
    expect(rawSqlOffenders(bad)).toHaveLength(3);
    expect(
      rawSqlOffenders(
        planted("src/jobs/w.job.ts", "await deps.db.tenantTx(t.id, (tx) => listDeals(tx, now));"),
      ),
    ).toEqual([]);
  });
});
