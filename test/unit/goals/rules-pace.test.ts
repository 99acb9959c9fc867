import { describe, expect, it } from "vitest";
import type { MetricInfo } from "../../../src/core/features/goals/index.js";
import { computePace, parseDeadline, parseGoalText } from "../../../src/core/features/goals/index.js";

const metrics: MetricInfo[] = [
  { key: "revenue", name: "Revenue", unit: "USD", frequency: "day" },
  { key: "new_leads", name: "New leads", unit: "leads", frequency: "day" },
  { key: "gross_margin_pct", name: "Gross margin", unit: "%", frequency: "day" },
];
const today = new Date("2026-11-02T00:00:00Z");

describe("goal rules (no model)", () => {
  it("reads metric, percentage and horizon", () => {
    expect(parseGoalText("grow revenue 10 % in 90 days", metrics, today)).toMatchObject({
      metric: "revenue",
      target: { kind: "percent", value: 10 },
      deadline: "2027-01-31",
      horizonDays: 90,
      direction: "increase",
    });
    expect(parseGoalText("more sales by end of Q1", metrics, today)).toMatchObject({
      metric: "revenue",
      target: null,
      deadline: "2027-03-31",
    });
    expect(parseGoalText("leads to 2,500 by 2027-03-01", metrics, today)).toMatchObject({
      metric: "new_leads",
      target: { kind: "absolute", value: 2500 },
      deadline: "2027-03-01",
    });
    expect(parseGoalText("I want to grow revenue", metrics, today)).toMatchObject({
      metric: "revenue",
      target: null,
      horizonDays: 90,
    });
    expect(parseGoalText("improve margin", metrics, today).metric).toBe("gross_margin_pct");
  });

  it("parses deadlines", () => {
    expect(parseDeadline("within 2 months", today)).toEqual({ deadline: "2027-01-01", horizonDays: 60 });
    expect(parseDeadline("by june", today)?.deadline).toBe("2027-06-30");
    expect(parseDeadline("someday", today)).toBeNull();
  });
});

describe("goal pace", () => {
  const points = Array.from({ length: 60 }, (_, i) => ({
    date: new Date(Date.UTC(2026, 9, 1) + i * 86_400_000).toISOString().slice(0, 10),
    value: 100,
  }));
  const goal = {
    id: "g",
    tenantId: "t",
    createdBy: null,
    metricKey: "revenue",
    title: "Grow",
    unit: "USD",
    baseline: 1000,
    target: 1300,
    startOn: "2026-10-20",
    deadline: "2026-11-19",
    status: "active" as const,
    query: {
      metric: "revenue",
      aggregation: "sum",
      windowPoints: 10,
      frequency: "day",
      label: "10-day total",
    },
    validation: {},
    acceptedAt: null,
    createdAt: new Date(),
  };
  it("compares actual with a straight-line path when no year of history exists", () => {
    const p = computePace(goal, points, new Date("2026-11-04T12:00:00Z"));
    expect(p.method).toBe("straight_line");
    expect(p.elapsedDays).toBe(15);
    expect(p.expected).toBeCloseTo(1150);
    expect(p.actual).toBe(1000);
    expect(p.pace).toBe("behind");
    expect(p.progress).toBe(0);
  });
  it("reports achieved when the target is reached", () => {
    const up = points.map((x, i) => ({ ...x, value: i > 40 ? 200 : 100 }));
    expect(computePace(goal, up, new Date("2026-11-20T00:00:00Z")).pace).toBe("achieved");
  });
});
