import { describe, expect, it } from "vitest";
import { type CalendarSettings, previousWindow, resolveWindow } from "../../src/core/features/ask/window.js";

const cal: CalendarSettings = { timeZone: "UTC", fiscalYearStart: 1 };

describe("a window for what lies ahead (whole periods, named months coming)", () => {
  it("this month: to date for figures, the whole month ahead", () => {
    const month = { kind: "relative", unit: "month", offset: 0 } as const;
    expect(resolveWindow(month, "2026-12-03", cal)).toMatchObject({
      from: "2026-12-01",
      to: "2026-12-04",
      toDate: true,
    });
    expect(resolveWindow(month, "2026-12-03", cal, { whole: true })).toMatchObject({
      from: "2026-12-01",
      to: "2027-01-01",
      toDate: false,
    });
  });

  it("a month named without a year: last January looking back, the coming one looking ahead", () => {
    const jan = { kind: "month", month: 1 } as const;
    expect(resolveWindow(jan, "2026-12-03", cal)).toMatchObject({ from: "2026-01-01", to: "2026-02-01" });
    expect(resolveWindow(jan, "2026-12-03", cal, { whole: true })).toMatchObject({
      from: "2027-01-01",
      to: "2027-02-01",
    });
  });
});

describe("comparing a period still running", () => {
  it("December 1–3 is compared with November 1–3, not the whole of November", () => {
    const month = { kind: "relative", unit: "month", offset: 0 } as const;
    expect(previousWindow(month, "2026-12-03", cal)).toEqual({
      from: "2026-11-01",
      to: "2026-11-04",
      label: "the same days of November 2026",
      toDate: false,
    });
  });
  it("a finished period is compared with the whole period before", () => {
    const last = { kind: "relative", unit: "month", offset: -1 } as const;
    expect(previousWindow(last, "2026-12-03", cal)).toMatchObject({ from: "2026-10-01", to: "2026-11-01" });
  });
});
