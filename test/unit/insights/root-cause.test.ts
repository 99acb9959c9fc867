import { describe, expect, it } from "vitest";
import { analyzeRootCause } from "../../../src/core/features/insights/index.js";
import { generateDemoMetrics } from "../../../src/demo/metrics.js";

const data = generateDemoMetrics({ seed: 42, end: new Date("2025-06-30T00:00:00Z"), days: 600 });
const series = (key: string) => {
  const s = data.series.find((x) => x.key === key);
  if (!s) throw new Error(key);
  return { key, name: s.name, values: s.points.map((p) => p.value) };
};

describe("root cause: why did revenue drop last month?", () => {
  const n = series("revenue").values.length;
  const result = analyzeRootCause({
    target: series("revenue"),
    current: { start: n - 30, end: n },
    components: { kind: "product", series: [series("orders"), series("average_order_value")] },
    drivers: ["marketing_spend", "website_sessions", "new_leads", "gross_margin_pct"].map(series),
  });

  it("finds marketing spend leading revenue at the planted lag, with the test and p-value in words", () => {
    const top = result.drivers[0];
    expect(top?.key).toBe(data.planted.lag.driver);
    expect(top?.leadDays).toBe(data.planted.lag.lagDays);
    expect(top?.significant).toBe(true);
    expect(top?.granger.pValue).toBeLessThan(0.001);
    expect(top?.text).toMatch(
      /^Marketing spend leads revenue by 7 days.*Granger F-test with \d+ lags, p < 0\.001/,
    );
    expect(result.explanation.join("\n")).toContain("Marketing spend leads revenue by 7 days");
  });

  it("splits the drop into orders and average order value, adding up to the total change", () => {
    expect(result.change.amount).toBeLessThan(0);
    const total = result.contributions.reduce((s, c) => s + c.amount, 0);
    expect(total).toBeCloseTo(result.change.amount, 6);
    const orders = result.contributions.find((c) => c.key === "orders");
    expect(orders?.amount).toBeLessThan(0);
    expect(result.explanation[0]).toMatch(/^Revenue fell −\d+\.\d % /);
  });

  it("decomposes a sum exactly", () => {
    const a = [1, 1, 1, 1, 2, 2, 2, 2];
    const b = [5, 5, 5, 5, 4, 4, 4, 4];
    const res = analyzeRootCause({
      target: { key: "total", values: a.map((v, i) => v + (b[i] ?? 0)) },
      current: { start: 4, end: 8 },
      components: {
        kind: "sum",
        series: [
          { key: "a", values: a },
          { key: "b", values: b },
        ],
      },
    });
    expect(res.contributions).toEqual([
      { key: "a", name: "a", amount: 4 },
      { key: "b", name: "b", amount: -4 },
    ]);
  });
});

describe("demo metrics generator", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const again = generateDemoMetrics({ seed: 42, end: new Date("2025-06-30T00:00:00Z"), days: 600 });
    expect(again).toEqual(data);
    const other = generateDemoMetrics({ seed: 43, end: new Date("2025-06-30T00:00:00Z"), days: 600 });
    expect(other.series[0]?.points).not.toEqual(data.series[0]?.points);
  });

  it("produces ~20 months of consistent daily metrics ending on the given day", () => {
    const rev = series("revenue").values;
    expect(rev).toHaveLength(600);
    expect(data.series.map((s) => s.key)).toEqual([
      "revenue",
      "orders",
      "average_order_value",
      "website_sessions",
      "marketing_spend",
      "new_leads",
      "gross_margin_pct",
    ]);
    expect(data.series[0]?.points.at(-1)?.date).toBe("2025-06-30");
    const orders = series("orders").values;
    const aov = series("average_order_value").values;
    // revenue = orders × AOV (to the cent, AOV itself is rounded).
    const worst = Math.max(
      ...rev.map((r, i) => Math.abs(r - (orders[i] ?? 0) * (aov[i] ?? 0)) - 0.01 * (orders[i] ?? 0)),
    );
    expect(worst).toBeLessThan(0.01);
  });
});

describe("honest statistics in root cause", () => {
  it("Benjamini–Hochberg q-values match the textbook example", async () => {
    const { benjaminiHochberg } = await import("../../../src/core/features/insights/root-cause.js");
    // p = .01 .04 .03 .005 → sorted .005 .01 .03 .04, × m/rank = .02 .02 .04 .04 (monotone from the top).
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]).map((q) => Math.round(q * 1e6) / 1e6)).toEqual([
      0.02, 0.04, 0.04, 0.02,
    ]);
    expect(benjaminiHochberg([0.5])).toEqual([0.5]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it("a rate is averaged over the period, never added up (30 daily margins of 40 % are 40 %, not 1,200 %)", async () => {
    const { analyzeRootCause } = await import("../../../src/core/features/insights/root-cause.js");
    const values = [...Array.from({ length: 30 }, () => 40), ...Array.from({ length: 30 }, () => 35)];
    const r = analyzeRootCause({
      target: { key: "gross_margin_pct", name: "Gross margin", values, kind: "level" },
      current: { start: 30, end: 60 },
    });
    expect(r.change).toMatchObject({ previous: 40, current: 35, amount: -5 });
    expect(r.explanation[0]).toMatch(/40 → 35/);
  });
});
