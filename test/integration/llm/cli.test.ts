import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promptsCommand } from "../../../src/cli/prompts.js";
import { usageCommand } from "../../../src/cli/usage.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { type LlmTestDeps, llmTestDeps, makeTenant } from "./helpers.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  return { io: { stdout: sink(out), stderr: sink(err) }, out: () => out.join(""), err: () => err.join("") };
}

describe("keel usage / keel prompts", () => {
  let openai: FakeOpenAi;
  let deps: LlmTestDeps;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    deps = await llmTestDeps({ OPENAI_BASE_URL: openai.url, LLM_CACHE_TTL_SECONDS: "0" });
    const t = await makeTenant(deps, "usage-co");
    // 1,000 in + 600 out (the prompt's max_tokens; a report above it would be priced at the maximum).
    openai.setDefault({ reply: "ok", usage: { prompt_tokens: 1_000, completion_tokens: 600 } });
    for (const question of [
      "Which deals should I focus on, and what should I say?",
      "Should we hire, given our pipeline, and what should I say?",
    ]) {
      const r = await deps.llm.chat({
        ctx: { tenantId: t.tenantId, userId: t.userA, feature: "coach" },
        promptId: "coach.answer",
        variables: { tenant_name: "U", today: "2026-11-21", figures: "-", summary: "", question },
      });
      expect(r.meta, JSON.stringify(r.meta)).toMatchObject({ provider: "openai", costMicros: 510 });
    }
    await deps.gateway.flush();
  });
  afterAll(async () => {
    await deps.cleanup();
    await openai.close();
  });

  it("prints the month's spend by feature, provider, user and day", async () => {
    const c = capture();
    expect(await usageCommand(["--tenant", "usage-co"], c.io, deps)).toBe(0);
    expect(c.out()).toMatch(/LLM usage for usage-co, \d{4}-\d{2}: \$0\.0010 \(0\.0% of \$20\.00 budget\)/);
    expect(c.out()).toMatch(/By feature\n.*\n {2}coach\s+2\s+2000\s+1200\s+\$0\.0010/);
    expect(c.out()).toContain("a@usage-co.test");
  });

  it("prints JSON with --json and rejects bad input", async () => {
    const c = capture();
    expect(await usageCommand(["--tenant", "usage-co", "--json"], c.io, deps)).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({
      tenant: "usage-co",
      totals: { calls: 2, costMicros: 1_020 },
    });
    const bad = capture();
    expect(await usageCommand(["--tenant", "nope"], bad.io, deps)).toBe(2);
    expect(bad.err()).toContain('No tenant "nope"');
    expect(await usageCommand(["--month", "2026-13"], capture().io, deps)).toBe(2);
  });

  it("lists prompt versions with their release status", async () => {
    const c = capture();
    expect(await promptsCommand([], c.io, deps)).toBe(0);
    expect(c.out()).toMatch(
      /coach\.answer@1\s+small\s+t=0\.3\s+max=600\s+text\s+released\s+tenant_name, today, figures, summary, question/,
    );
    const j = capture();
    await promptsCommand(["--json"], j.io, deps);
    expect(JSON.parse(j.out()).find((p: { id: string }) => p.id === "intent.classify")).toMatchObject({
      tier: "local",
      output: "json",
    });
  });
});

describe("start-up with a malformed prompt file", () => {
  it("fails with a clear config error naming the file", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "keel-bad-prompts-"));
    mkdirSync(join(dir, "coach"));
    writeFileSync(
      join(dir, "coach", "answer.v1.md"),
      "---\nid: coach.answer\nversion: 1\ntier: medium\n---\nhi",
    );
    const err = await llmTestDeps({ LLM_PROMPTS_DIR: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "config_invalid" });
    expect((err as Error).message).toMatch(/^Prompt file coach\/answer\.v1\.md: tier: /);
  });
});
