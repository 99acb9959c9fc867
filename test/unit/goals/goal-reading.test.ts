import { describe, expect, it } from "vitest";
import type { MetricInfo } from "../../../src/core/features/goals/index.js";
import { parseDeadline, parseGoalText } from "../../../src/core/features/goals/index.js";
import { countGoal } from "../../../src/core/features/goals/rules.js";

const metrics: MetricInfo[] = [
  { key: "revenue", name: "Revenue", unit: "USD", frequency: "day" },
  { key: "new_leads", name: "New leads", unit: "leads", frequency: "day" },
  { key: "gross_margin_pct", name: "Gross margin", unit: "%", frequency: "day" },
];
/** Wednesday 2 December 2026. */
const today = new Date("2026-12-02T00:00:00Z");

describe("goals read right: levels vs growth, calendar deadlines, count goals", () => {
  it.each([
    ["raise gross margin to 45%", { metric: "gross_margin_pct", target: { kind: "absolute", value: 45 } }],
    [
      "get gross margin to 45 % by end of March",
      { target: { kind: "absolute", value: 45 }, deadline: "2027-03-31" },
    ],
    ["gross margin at 40 percent by Q2", { target: { kind: "absolute", value: 40 }, deadline: "2027-06-30" }],
    ["grow revenue by 10%", { metric: "revenue", target: { kind: "percent", value: 10 } }],
    ["grow revenue 15 % next quarter", { target: { kind: "percent", value: 15 }, deadline: "2027-03-31" }],
    ["cut gross margin loss, reduce revenue 5 %", { target: { kind: "percent", value: -5 } }],
    ["revenue to 50k by june", { target: { kind: "absolute", value: 50_000 }, deadline: "2027-06-30" }],
    [
      "revenue to $1.2m this year",
      { target: { kind: "absolute", value: 1_200_000 }, deadline: "2026-12-31" },
    ],
    [
      "double revenue by end of next year",
      { target: { kind: "percent", value: 100 }, deadline: "2027-12-31" },
    ],
    ["halve new leads?? (test)", { target: { kind: "percent", value: -50 }, direction: "decrease" }],
    ["leads to 2,500 by 2027-03-01", { target: { kind: "absolute", value: 2500 }, deadline: "2027-03-01" }],
  ])("%s", (text, want) => {
    expect(parseGoalText(text, metrics, today)).toMatchObject(want);
  });

  it.each([
    ["by end of March", "2027-03-31"],
    ["by the end of march", "2027-03-31"],
    ["end of march", "2027-03-31"],
    ["before March 15", "2027-03-15"],
    ["by 15 march", "2027-03-15"],
    ["by the 15th of March", "2027-03-15"],
    ["by Q2", "2027-06-30"],
    ["by end of Q4", "2026-12-31"],
    ["by Q1 2028", "2028-03-31"],
    ["by end of december", "2026-12-31"],
    ["next week", "2026-12-13"],
    ["end of next month", "2027-01-31"],
    ["by the end of the month", "2026-12-31"],
    ["this quarter", "2026-12-31"],
    ["within 2 months", "2027-01-31"],
    ["in 90 days", "2027-03-02"],
    ["by end of year", "2026-12-31"],
  ])("deadline %s → %s", (text, iso) => {
    expect(parseDeadline(text, today)?.deadline).toBe(iso);
  });

  it("no deadline named → null (the caller's default), never a wrong date", () => {
    expect(parseDeadline("someday", today)).toBeNull();
    expect(parseDeadline("grow revenue 10%", today)).toBeNull();
  });

  it.each([
    ["close 3 more deals by end of March", "close 3 more deals"],
    ["win five deals this quarter", "win 5 deals"],
    ["sign 2 new customers", "sign 2 customers"],
    ["halve overdue invoices by Q2", "halve overdue invoices"],
    ["double the deals", "double deals"],
  ])("count goal %s is understood, not forced onto a metric", (text, words) => {
    expect(countGoal(text)).toBe(words);
    const g = parseGoalText(text, metrics, today);
    expect(g.metric).toBeNull();
    expect(g.understood).toBe(words);
  });
});
