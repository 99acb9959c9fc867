import { describe, expect, it } from "vitest";
import { resolveDay } from "../../src/core/kernel/calendar.js";

const TODAY = "2026-12-02"; // a Wednesday

describe("calendar phrases → a day", () => {
  const cases: [string, string | null][] = [
    ["end of next month", "2027-01-31"],
    ["how much cash will we have at the end of next month?", "2027-01-31"],
    ["end of the month", "2026-12-31"],
    ["end of this month", "2026-12-31"],
    ["by month end", "2026-12-31"],
    ["end of the quarter", "2026-12-31"],
    ["end of next quarter", "2027-03-31"],
    ["end of the year", "2026-12-31"],
    ["end of next year", "2027-12-31"],
    ["in 10 days", "2026-12-12"],
    ["in 6 weeks", "2027-01-13"],
    ["in 3 months", "2027-03-02"],
    ["tomorrow", "2026-12-03"],
    ["end of this week", "2026-12-06"],
    ["next week", "2026-12-13"],
    ["2027-01-15", "2027-01-15"],
    ["on 2027-02-28", "2027-02-28"],
    ["end of march", "2027-03-31"],
    ["by Feb", "2027-02-28"],
    ["december", "2026-12-31"],
    ["NOVEMBER", "2027-11-30"],
    ["2027-02-30", null],
    ["blursday", null],
    ["", null],
  ];
  for (const [phrase, on] of cases)
    it(`"${phrase}" → ${on ?? "not understood"}`, () => {
      expect(resolveDay(phrase, TODAY)?.on ?? null).toBe(on);
    });
});
