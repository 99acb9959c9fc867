import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";
import { FakePipedrive } from "../support/fake-pipedrive.js";

const BIN = join(import.meta.dirname, "../../bin/keel.mjs");

function keel(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end();
  });
}

describe("a company's pipeline from Pipedrive, through the CLI: setup → connect → sync → say", () => {
  const pd = new FakePipedrive();
  let env: Record<string, string>;
  let d: TestDeps | undefined;
  const dir = mkdtempSync(join(tmpdir(), "keel-pipedrive-"));

  beforeAll(async () => {
    await pd.start();
    pd.seed();
    const common = {
      KEEL_SECRET: "e2e-pipedrive-keel-secret-01",
      PIPEDRIVE_BASE_URL: pd.base,
      KEEL_AUTO_DEMO: "false",
    };
    if (realPostgres) {
      d = await createTestDeps();
      env = {
        ...common,
        DATABASE_URL: d.env.DATABASE_URL!,
        MIGRATION_DATABASE_URL: d.env.MIGRATION_DATABASE_URL!,
      };
    } else env = { ...common, KEEL_DATA_DIR: join(dir, "data") };
  }, 120_000);
  afterAll(async () => {
    await d?.cleanup();
    await pd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sets up, refuses a bad token, connects, syncs with a report, and answers `deals` from Pipedrive's data", async () => {
    const setup = await keel(
      [
        "setup",
        "--company",
        "Quay Freight",
        "--slug",
        "quay",
        "--currency",
        "EUR",
        "--timezone",
        "Europe/Lisbon",
        "--owner",
        "ana@quay.example",
      ],
      env,
    );
    expect(setup.code).toBe(0);

    const bad = await keel(
      ["connect", "pipedrive", "--tenant", "quay", "--token", "not-the-right-token-123"],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("Pipedrive refused this API token");

    const usage = await keel(["connect", "pipedrive", "--tenant", "quay"], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: keel connect pipedrive");

    const ok = await keel(["connect", "pipedrive", "--tenant", "quay", "--token", pd.token], env);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/HTTP auth: user keel-\S+ {2}password \S+/);
    expect(ok.stdout).not.toContain(pd.token);

    const sync = await keel(["sync", "pipedrive", "--tenant", "quay"], env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("Pipedrive full sync finished");
    expect(sync.stdout).toMatch(/deals\s+3\s+0\s+0\s+0\s+0/);
    expect(sync.stdout).toMatch(/persons\s+2\s+0/);

    const again = await keel(["sync", "pipedrive", "--tenant", "quay", "--json"], env);
    const report = JSON.parse(again.stdout) as {
      mode: string;
      entities: Record<string, { new: number; updated: number }>;
    };
    expect(report.mode).toBe("incremental");
    expect(Object.values(report.entities).every((c) => c.new === 0 && c.updated === 0)).toBe(true);

    const say = await keel(["say", "--tenant", "quay", "deals"], env);
    expect(say.code).toBe(0);
    expect(say.stdout).toContain("3 open deals");
    expect(say.stdout).toContain("Acme Logistics fleet");

    const status = await keel(["say", "--tenant", "quay", "sync status"], env);
    expect(status.stdout).toContain("All connectors healthy");
    expect(status.stdout).toContain("Pipedrive");
  }, 600_000);
});
