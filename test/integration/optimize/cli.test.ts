import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { optimizeCommand } from "../../../src/cli/optimize.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/optimize/${name}`, import.meta.url));

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += String(c)));
  stderr.on("data", (c) => (err += String(c)));
  const code = await optimizeCommand(argv, { stdout, stderr });
  return { code, out, err };
}

describe("keel optimize", () => {
  it.each(["inventory", "staffing", "budget"])("solves the README example for %s", async (problem) => {
    const { code, out, err } = await run([problem, fixture(`${problem}.json`)]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/best plan found/);
  });

  it("prints JSON with --json and honours --backend", async () => {
    const { code, out } = await run([
      "budget",
      fixture("budget.json"),
      "--json",
      "--backend",
      "highs",
      "--time-limit",
      "5",
    ]);
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { backend: string; status: string; plan: { totalSpend: number } };
    expect(parsed).toMatchObject({ backend: "highs", status: "optimal", plan: { totalSpend: 20000 } });
  });

  it("names the wrong field and exits 2 without a stack trace", async () => {
    const { code, err } = await run(["staffing", fixture("staffing-bad.json")]);
    expect(code).toBe(2);
    expect(err).toContain("employees.0.hourlyCost");
    expect(err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("rejects unknown problems and unreadable files with exit 2", async () => {
    expect((await run(["rostering", fixture("budget.json")])).code).toBe(2);
    const missing = await run(["budget", fixture("nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot be read");
  });
});
