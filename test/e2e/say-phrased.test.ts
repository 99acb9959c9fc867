import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";
import { type FakeOpenAi, startFakeOpenAi } from "../support/fake-openai-server.js";
import { honestText, lie, phraser } from "../support/phrasing-model.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/keel.mjs");

/**
 * `keel say` as a new user runs it, with a model configured through the environment (a local
 * OpenAI-compatible server): the answer is the model's phrasing of the computed figure, and a model
 * that changes the figure is never printed — the template wording is.
 */
describe("keel say with a model: phrased answers, guarded figures", () => {
  let env: Record<string, string>;
  let d: TestDeps | undefined;
  let dir: string | undefined;
  let openai: FakeOpenAi;
  const invented: string[] = [];

  async function say(text: string) {
    const r = await run(process.execPath, [BIN, "say", text], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        LOG_LEVEL: "warn",
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: "sk-test",
        LLM_CACHE_TTL_SECONDS: "0",
        ...env,
      },
    });
    return r.stdout;
  }

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    if (realPostgres) {
      d = await createTestDeps();
      await loadDemo(d);
      env = { DATABASE_URL: d.env.DATABASE_URL!, MIGRATION_DATABASE_URL: d.env.MIGRATION_DATABASE_URL! };
      if (d.env.REDIS_URL) env.REDIS_URL = d.env.REDIS_URL;
    } else {
      dir = mkdtempSync(join(tmpdir(), "keel-say-model-"));
      env = { KEEL_DATA_DIR: dir };
      await run(process.execPath, [BIN, "demo"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", KEEL_DATA_DIR: dir },
      });
    }
  });
  afterAll(async () => {
    await d?.cleanup();
    await openai.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("an honest model's sentence is printed", async () => {
    openai.setDefault(phraser((r) => honestText(r)));
    const out = await say("how much is overdue");
    expect(out).toMatch(/It is \$[\d,]+ for overdue/);
  });

  it("a lying model's figure is never printed; the template is", async () => {
    openai.setDefault(
      phraser((r) => {
        const l = lie(r);
        invented.push(l.invented);
        return l.text;
      }),
    );
    const out = await say("how much is overdue");
    expect(invented.length).toBeGreaterThan(0);
    for (const x of invented) expect(out).not.toContain(x);
    expect(out).not.toMatch(/It is \$/);
    expect(out).toMatch(/Overdue/);
  });
});
