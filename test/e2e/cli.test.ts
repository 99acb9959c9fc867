import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "../../src/demo/load.js";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/keel.mjs");

/** Runs the real `keel` binary as a subprocess with the given environment. */
async function keel(args: string[], env: Record<string, string>) {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    LOG_LEVEL: "warn",
  };
  try {
    // No per-process time limit: on a loaded 2-core machine one cold `keel demo` can take a minute.
    const r = await run(process.execPath, [BIN, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("the keel CLI, end to end as a subprocess", () => {
  let env: Record<string, string>;
  let d: TestDeps | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (realPostgres) {
      d = await createTestDeps();
      await loadDemo(d);
      env = { DATABASE_URL: d.env.DATABASE_URL!, MIGRATION_DATABASE_URL: d.env.MIGRATION_DATABASE_URL! };
      if (d.env.REDIS_URL) env.REDIS_URL = d.env.REDIS_URL;
    } else {
      dir = mkdtempSync(join(tmpdir(), "keel-e2e-"));
      env = { KEEL_DATA_DIR: dir };
      const r = await keel(["demo"], env);
      expect(r.stdout).toContain("Loaded the demo company");
    }
  });
  afterAll(async () => {
    await d?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`keel say "deals"` prints the demo deals', async () => {
    const r = await keel(["say", "deals"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ open deals, total \$/);
    expect(r.stdout).toContain("Acme Logistics");
  });

  it('`keel say --json "remind Acme Logistics"` drafts for approval; four eyes: someone else approves', async () => {
    const r = await keel(["say", "--json", "--user", "manager@demo.example", "remind Acme Logistics"], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      reply: { actions: { label: string; intent: { kind: string } }[]; meta: { draftId: string } };
    };
    // $41,250 is above the 10,000 four-eyes threshold: its author is offered Edit and Reject only.
    expect(out.reply.actions.map((a) => a.label)).toEqual(["Edit", "Reject"]);
    expect(out.reply.actions[0]!.intent.kind).toBe("draft.edit");
    const approve = await keel(["say", "--json", `approve ${out.reply.meta.draftId}`], env);
    const res = JSON.parse(approve.stdout) as { reply: { text: string }; delivered: unknown[] };
    expect(res.reply.text).toMatch(/Delivered/);
    expect(res.delivered).toHaveLength(1);
  });

  it("a second `keel demo` changes nothing", async () => {
    const r = await keel(["demo"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("already loaded; nothing changed");
  });

  it("unknown tenant or user → a clear error and a non-zero exit", async () => {
    const t = await keel(["say", "--tenant", "nope", "deals"], env);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain('Unknown tenant "nope"');
    const u = await keel(["say", "--user", "ghost@demo.example", "deals"], env);
    expect(u.code).not.toBe(0);
    expect(u.stderr).toContain('Unknown user "ghost@demo.example"');
  });

  it("malformed command arguments → the command's usage", async () => {
    const r = await keel(["say", "cashflow soon"], env);
    expect(r.stdout).toContain("Usage: cashflow");
    const empty = await keel(["say"], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("Usage: keel say");
  });

  it("invalid configuration → one message listing each bad key, no stack trace, exit 2", async () => {
    const r = await keel(["say", "deals"], { ...env, PORT: "x", LOG_LEVEL: "loud" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid configuration");
    expect(r.stderr).toContain("PORT");
    expect(r.stderr).toContain("LOG_LEVEL");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unreachable database → one line naming the URL and the fix, exit ≠ 0", async () => {
    const r = await keel(["say", "deals"], { DATABASE_URL: "postgres://keel:secret@127.0.0.1:1/keel" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Cannot connect to the database at postgres://keel:***@127.0.0.1:1/keel");
    expect(r.stderr).toContain("DATABASE_URL");
    expect(r.stderr).not.toContain("secret");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a quiet terminal: --version, --help on every command, no log lines under a reply", async () => {
    const v = await keel(["--version"], env);
    expect(v.stdout).toMatch(/^keel \d+\.\d+\.\d+\n$/);
    for (const command of ["say", "start", "import", "usage", "digest"]) {
      const h = await keel([command, "--help"], env);
      expect(h.code, command).toBe(0);
      expect(h.stdout, command).toContain(`Usage: keel ${command}`);
    }
    const r = await keel(["say", "deals"], { ...env, LOG_LEVEL: "debug" });
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/"level":|"msg":/);
    const verbose = await keel(["say", "deals", "--verbose"], { ...env, LOG_LEVEL: "debug" });
    expect(verbose.stderr).toMatch(/"msg":"intent handled"/);
  });

  it("`keel start` fails fast (exit ≠ 0, one clear message, no value echoed) on fatal configuration", async () => {
    const cases: { env: Record<string, string>; code: number; says: string }[] = [
      { env: { SLACK_BOT_TOKEN: "xoxb-canary-bot" }, code: 2, says: "SLACK_SIGNING_SECRET" },
      { env: { WHATSAPP_TRANSPORT: "cloud" }, code: 2, says: "WHATSAPP_CLOUD_ACCESS_TOKEN" },
      { env: { PORT: "sk-live-canary-secret" }, code: 2, says: "PORT" },
      { env: { REDIS_URL: "redis://127.0.0.1:1" }, code: 1, says: "Cannot connect to Redis" },
    ];
    for (const c of cases) {
      const r = await keel(["start"], {
        KEEL_DATA_DIR: dir ?? mkdtempSync(join(tmpdir(), "keel-e2e-")),
        ...c.env,
      });
      expect(r.code, c.says).toBe(c.code);
      expect(r.stderr, c.says).toContain(c.says);
      expect(r.stdout, c.says).not.toContain("Keel is running");
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/canary/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
