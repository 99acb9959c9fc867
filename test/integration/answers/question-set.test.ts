import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "../../../bench/answers/cases.js";
import { runCase } from "../../../bench/answers/run-case.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * The labelled question set (demo company + Harbor Bakery, casual, typos, four languages, every
 * role): each reply is graded against SQL computed in the case, not against a stored figure.
 */
describe("ask anything about your numbers: the labelled question set", () => {
  let d: TestDeps;
  const tenants = new Map<string, string>();
  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    tenants.set("demo.example", (await requireTenant(d.db, "demo")).id);
    tenants.set("harbor.example", (await requireTenant(d.db, "demo-b")).id);
  });
  afterAll(() => d.cleanup());

  it("has at least 150 questions over two companies and every role", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CASES.map((c) => c.who.split("@")[1])).size).toBe(2);
  });

  it.each(CASES.map((c) => [c.who.split("@")[0], c.q, c] as const))("%s: %s", async (_who, _q, c) => {
    const r = await runCase(d, tenants.get(c.who.split("@")[1]!)!, c);
    expect({ verdict: r.verdict, got: r.got }).toEqual({ verdict: "correct", got: r.got });
  });
});
