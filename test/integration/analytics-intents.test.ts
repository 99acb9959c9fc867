import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorByEmail, requireTenant } from "../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../src/core/intents/dispatcher.js";
import type { Intent } from "../../src/core/intents/intent.js";
import { parseText } from "../../src/core/intents/parse.js";
import { fixedClock } from "../../src/core/ports/clock.js";
import { registry } from "../../src/core/registry.js";
import { DEMO_SEED, loadDemo } from "../../src/demo/load.js";
import { generateDemoMetrics } from "../../src/demo/metrics.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("why and plan intents on the demo company", () => {
  let d: TestDeps;
  const clock = fixedClock("2026-11-02T09:00:00Z");
  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
  });
  afterAll(() => d.cleanup());

  const ask = async (email: string, text: string) => {
    const t = await requireTenant(d.db, "demo");
    const a = await actorByEmail(d.db, t.id, email);
    const intent = {
      ...parseText(text),
      origin: { tenantId: t.id, userId: a.userId, channel: "console", conversationId: "c" },
      idempotencyKey: randomUUID(),
    } as Intent;
    return createDispatcher(d, registry).dispatch(intent);
  };

  it("finds the planted marketing → revenue lag and states the test and p-value", async () => {
    const planted = generateDemoMetrics({ seed: DEMO_SEED, end: clock.now(), days: 610 }).planted.lag;
    const r = await ask("owner@demo.example", "why did revenue drop last month?");
    const drivers = r.meta?.drivers as { key: string; leadDays: number; p: number; significant: boolean }[];
    const top = drivers[0]!;
    expect(top.key).toBe(planted.driver);
    expect(top.leadDays).toBe(planted.lagDays);
    expect(top.significant).toBe(true);
    expect(r.text).toMatch(/Granger F-test/);
    expect(r.text).toMatch(/p [<=] /);
  });

  it("plans staffing from the stored data with the solver's status and sources", async () => {
    const r = await ask("manager@demo.example", "plan staffing");
    expect(r.meta?.status).toBe("optimal");
    expect(r.sources?.[0]?.label).toBe("Solver run");
  });

  it("forecasts a metric weekly with nested intervals and the backtest error in words", async () => {
    const r = await ask("owner@demo.example", "forecast revenue 8");
    const m = r.meta as {
      forecast: number[];
      lower80: number[];
      upper80: number[];
      lower95: number[];
      upper95: number[];
      backtest: { smape: number };
    };
    expect(m.forecast).toHaveLength(8);
    for (let i = 0; i < 8; i++) {
      expect(m.lower95[i]!).toBeLessThanOrEqual(m.lower80[i]!);
      expect(m.lower80[i]!).toBeLessThanOrEqual(m.forecast[i]!);
      expect(m.forecast[i]!).toBeLessThanOrEqual(m.upper80[i]!);
      expect(m.upper80[i]!).toBeLessThanOrEqual(m.upper95[i]!);
    }
    expect(r.text).toMatch(/typically off by [\d.]+ % one week out/);
    expect(r.sources?.map((s) => s.label)).toContain("Forecast model");
    expect((await ask("owner@demo.example", "forecast happiness")).text).toMatch(/Known metrics/);
  });

  it("refuses plans to a viewer and answers unknown metrics with the known ones", async () => {
    expect((await ask("viewer@demo.example", "plan budget")).text).toMatch(/cannot run plans/);
    expect((await ask("owner@demo.example", "why did happiness drop")).text).toMatch(
      /Known metrics: .*revenue/,
    );
  });
});
