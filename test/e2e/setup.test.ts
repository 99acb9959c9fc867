import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDeps, realPostgres, type TestDeps } from "../support/deps.js";

const BIN = join(import.meta.dirname, "../../bin/keel.mjs");

/** Runs the real `keel` binary; `stdin` is piped in (the wizard reads it line by line). */
function keel(args: string[], env: Record<string, string>, stdin = "") {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("a brand-new company, from set-up to its first answer, through the CLI", () => {
  let env: Record<string, string>;
  let d: TestDeps | undefined;
  const dir = mkdtempSync(join(tmpdir(), "keel-setup-"));

  beforeAll(async () => {
    if (realPostgres) {
      d = await createTestDeps();
      env = { DATABASE_URL: d.env.DATABASE_URL!, MIGRATION_DATABASE_URL: d.env.MIGRATION_DATABASE_URL! };
    } else env = { KEEL_DATA_DIR: join(dir, "data") };
  }, 120_000);
  afterAll(async () => {
    await d?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an empty database says how to set up a company", async () => {
    const r = await keel(["say", "--tenant", "harbor", "deals"], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("keel setup");
  }, 120_000);

  it("setup → import → say answers from that company's data", async () => {
    const setup = await keel(
      [
        "setup",
        "--company",
        "Harbor Tools Ltd",
        "--slug",
        "harbor",
        "--currency",
        "gbp",
        "--timezone",
        "Europe/London",
        "--owner",
        "ann@harbor.example",
        "--pipeline",
        "simple",
      ],
      env,
    );
    expect(setup.stderr).toBe("");
    expect(setup.stdout).toContain(
      "Set up Harbor Tools Ltd (harbor): GBP, Europe/London, owner ann@harbor.example",
    );
    const csv = join(dir, "deals.csv");
    writeFileSync(
      csv,
      "name,company,stage,value,currency,owner_email\nDock Cranes,Port of Leith,Negotiation,48000,GBP,ann@harbor.example\nForklift Fleet,Tay Freight,Proposal,12500,GBP,\n",
    );
    const imp = await keel(["import", "deals", csv, "--tenant", "harbor"], env);
    expect(imp.stderr).toBe("");
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain("Imported 2 deal rows into harbor: 2 new, 0 updated, 0 unchanged.");
    // A continental export: "1.250,00" is read; "2.000" only once the file's decimal mark is given.
    const eu = join(dir, "deals-eu.csv");
    writeFileSync(eu, 'name,stage,value\nQuay Lights,Lead,"1.250,00"\nBuoy Paint,Lead,2.000\n');
    const ambiguous = await keel(["import", "deals", eu, "--tenant", "harbor"], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('line 3, value "2.000": expected an unambiguous amount');
    const comma = await keel(["import", "deals", eu, "--tenant", "harbor", "--decimal", "comma"], env);
    expect(comma.stderr).toBe("");
    expect(comma.stdout).toContain("Imported 2 deal rows into harbor: 2 new");
    const say = await keel(["say", "--tenant", "harbor", "deals"], env);
    expect(say.code).toBe(0);
    expect(say.stdout).toMatch(/4 open deals, total £63,750/);
    expect(say.stdout).toContain("Dock Cranes");
    expect(say.stdout).toContain("Forklift Fleet");
    expect(say.stdout).not.toContain("Acme Logistics");
  }, 240_000);

  it("keel chat answers every line piped in and ends cleanly when input ends", async () => {
    const r = await keel(["chat", "--tenant", "harbor"], env, "deals\nhow many deals do we have\n");
    expect(r.stderr).not.toMatch(/unexpected error|readline/);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/keel › /g)).toHaveLength(2);
    expect(r.stdout).toMatch(/Deals: 4\b/);
  }, 240_000);

  it("the wizard asks each question, re-asks after a bad answer, and creates the same company", async () => {
    const answers = [
      "Quay Café",
      "",
      "EURO",
      "eur",
      "Europe/Lisbon",
      "not-an-email",
      "rui@quay.example",
      "Rui",
      "2",
      "",
    ].join("\n");
    const r = await keel(["setup", "--interactive"], env, `${answers}\n`);
    expect(r.stdout).toContain("Short name for commands (slug) [quay-cafe]");
    expect(r.stdout).toContain('✗ Did you mean EUR? Reply "yes" or type the ISO code (like EUR, USD, GBP).');
    expect(r.stdout).toContain('✗ "not-an-email" does not look like an e-mail address.');
    expect(r.stdout).toContain(
      'Set up Quay Café (quay-cafe): EUR, Europe/Lisbon, owner rui@quay.example, pipeline "Projects"',
    );
    const users = await keel(["users", "list", "--tenant", "quay-cafe"], env);
    expect(users.stdout).toMatch(/rui@quay\.example\s+owner\s+Rui/);
  }, 240_000);

  it("a wizard whose input ends early creates nothing", async () => {
    const r = await keel(["setup", "--interactive"], env, "Half Done Inc\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nothing was created");
    const t = await keel(["say", "--tenant", "half-done-inc", "deals"], env);
    expect(t.stderr).toContain('Unknown tenant "half-done-inc"');
  }, 240_000);
});
