import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  calendarOf,
  datesAfter,
  detectSeasons,
  type ForecastResult,
  forecast,
  seasonsFor,
  smape,
} from "../../../src/core/features/forecast/index.js";
import { mulberry32 } from "../../../src/core/kernel/random.js";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const days = (from: string, n: number, step = 1) =>
  Array.from({ length: n }, (_, i) => iso(Date.parse(`${from}T00:00:00Z`) + i * step * DAY));
const months = (year: number, month: number, n: number, per = 1, day = 1) =>
  Array.from({ length: n }, (_, i) => {
    const k = month - 1 + i * per;
    const y = year + Math.floor(k / 12);
    const m = k % 12;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return `${y}-${String(m + 1).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
  });
const noise = (seed: number) => {
  const r = mulberry32(seed);
  return () => r() - 0.5;
};
const WEEK = [0, 30, 35, 32, 40, 80, -60];
const air = readFileSync(new URL("../../fixtures/forecast/airpassengers.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => Number(line.split(",")[3]));

async function mustForecast(values: (number | null)[], opts: Parameters<typeof forecast>[1]) {
  const res = await forecast(values, opts);
  if (!res.ok) throw new Error(`expected a forecast, got: ${res.reason}`);
  return res.value as ForecastResult;
}

describe("seasonal periods from the series' dates", () => {
  const cases: [string, string[], string | null, number[]][] = [
    ["daily, 8 weeks", days("2026-01-01", 56), "day", [7]],
    ["daily, 2 weeks (too short for a weekly pattern)", days("2026-01-01", 14), "day", []],
    ["daily, 3 years and a month", days("2023-01-01", 3 * 365 + 30), "day", [7, 365]],
    ["daily, 2 years (yearly pattern not yet told from trend)", days("2024-01-01", 730), "day", [7]],
    ["weekly, 100 weeks", days("2024-01-01", 100, 7), "week", []],
    ["weekly, 3 years and 4 weeks", days("2023-01-02", 160, 7), "week", [52]],
    ["monthly, first of the month, 40 months", months(2022, 1, 40), "month", [12]],
    ["monthly, month ends, 30 months", months(2022, 1, 30, 1, 31), "month", [12]],
    ["monthly, 20 months (too short)", months(2024, 3, 20), "month", []],
    ["quarterly, 12 quarters", months(2020, 1, 12, 3), "quarter", [4]],
    ["quarterly, 6 quarters", months(2020, 1, 6, 3), "quarter", []],
    ["yearly, 15 years", months(2010, 1, 15, 12), "year", []],
  ];
  for (const [name, dates, frequency, seasons] of cases) {
    it(`${name} → ${frequency ?? "irregular"}, periods [${seasons.join(", ")}]`, () => {
      const cal = calendarOf(
        dates,
        dates.map((_, i) => i),
      );
      expect(cal?.frequency ?? null).toBe(frequency);
      expect(cal?.missing).toBe(0);
      if (cal) expect(seasonsFor(cal.frequency, cal.values.length)).toEqual(seasons);
    });
  }

  it("reads dates in years 1–99 as written (M3 dates series of unknown start from 0001-01)", () => {
    const dates = Array.from(
      { length: 30 },
      (_, i) =>
        `00${String(1 + Math.floor(i / 12)).padStart(2, "0")}-${String((i % 12) + 1).padStart(2, "0")}-01`,
    );
    const cal = calendarOf(
      dates,
      dates.map((_, i) => i),
    );
    expect(cal?.frequency).toBe("month");
    expect(cal && datesAfter(cal, 1)).toEqual(["0003-07-01"]);
  });

  it("fills skipped days with gaps so the weekday of every value is kept", () => {
    const all = days("2026-03-02", 28);
    const keep = all.filter((_, i) => ![3, 10, 11].includes(i));
    const cal = calendarOf(
      keep,
      keep.map((d) => Number(d.slice(8))),
    );
    expect(cal?.frequency).toBe("day");
    expect(cal?.missing).toBe(3);
    expect(cal?.values[3]).toBeNull();
    expect(cal?.values[4]).toBe(6);
    expect(cal?.dates).toEqual(all);
  });

  it("fills a skipped month and reads unsorted dates in date order", () => {
    const dates = months(2025, 1, 14).filter((_, i) => i !== 5);
    const shuffled = [...dates].reverse();
    const cal = calendarOf(
      shuffled,
      shuffled.map((d) => Number(d.slice(5, 7))),
    );
    expect(cal?.frequency).toBe("month");
    expect(cal?.missing).toBe(1);
    expect(cal?.values.slice(0, 7)).toEqual([1, 2, 3, 4, 5, null, 7]);
  });

  it("keeps a weekly series weekly when one value came a day late, not when many did", () => {
    const weekly = days("2025-01-06", 30, 7);
    const oneLate = weekly.map((d, i) => (i === 12 ? iso(Date.parse(`${d}T00:00:00Z`) + DAY) : d));
    expect(calendarOf(oneLate, oneLate.map(Number.parseFloat))?.frequency).toBe("week");
    const manyLate = weekly.map((d, i) => (i % 3 === 0 && i ? iso(Date.parse(`${d}T00:00:00Z`) + DAY) : d));
    expect(calendarOf(manyLate, manyLate.map(Number.parseFloat))).toBeNull();
  });

  it.each([
    ["two values on one day", ["2026-01-01", "2026-01-02", "2026-01-02", "2026-01-03"]],
    [
      "random gaps of 1–20 days",
      (() => {
        const r = mulberry32(3);
        const out: string[] = [];
        let t = Date.parse("2026-01-01T00:00:00Z");
        for (let i = 0; i < 40; i++) {
          t += (1 + Math.floor(r() * 20)) * DAY;
          out.push(iso(t));
        }
        return out;
      })(),
    ],
    ["a date that does not exist", ["2026-02-27", "2026-02-28", "2026-02-30", "2026-03-01"]],
    ["words instead of dates", ["yesterday", "today", "tomorrow"]],
    ["more holes than values", ["2026-01-01", "2026-01-02", "2026-01-09", "2026-01-20"]],
  ])("gives up on %s (the period is then read from the data)", (_name, dates) => {
    expect(
      calendarOf(
        dates,
        dates.map((_, i) => i),
      ),
    ).toBeNull();
  });

  it("refuses dates and values of different lengths with a reason", async () => {
    const res = await forecast([1, 2, 3, 4, 5, 6], { horizon: 2, dates: days("2026-01-01", 5) });
    expect(res).toEqual({ ok: false, reason: "got 5 dates for 6 values" });
  });

  it("dates the forecast steps after the last date, month ends included", () => {
    const cal = calendarOf(months(2025, 10, 4, 1, 31), [1, 2, 3, 4]);
    expect(cal && datesAfter(cal, 3)).toEqual(["2026-02-28", "2026-03-31", "2026-04-30"]);
  });

  it("forecasts monthly AirPassengers with period 12 from its dates, as good as with --season 12", async () => {
    const train = air.slice(0, -12);
    const dates = months(1949, 1, train.length);
    const byDates = await mustForecast(train, { horizon: 12, dates });
    const given = await mustForecast(train, { horizon: 12, season: 12 });
    expect(byDates).toMatchObject({ seasons: [12], seasonFrom: "dates", frequency: "month" });
    expect(byDates.dates?.[0]).toBe("1960-01-01");
    expect(byDates.forecast).toEqual(given.forecast);
    expect(smape(air.slice(-12), byDates.forecast)).toBeLessThan(8);
  });

  it("a season given explicitly wins over the dates", async () => {
    const r = await mustForecast(air.slice(0, 60), { horizon: 3, season: 1, dates: months(1949, 1, 60) });
    expect(r).toMatchObject({ seasons: [], seasonFrom: "given", frequency: "month" });
  });

  it("models daily data with both the weekly and the yearly pattern once three years are there", async () => {
    const n = 3 * 365 + 60;
    const e = noise(11);
    const y = Array.from(
      { length: n },
      (_, t) => 1000 + 300 * Math.sin((2 * Math.PI * t) / 365) + (WEEK[t % 7] as number) + 20 * e(),
    );
    const dates = days("2023-01-01", n);
    const h = 28;
    const both = await mustForecast(y.slice(0, -h), { horizon: h, dates: dates.slice(0, -h) });
    const weekOnly = await mustForecast(y.slice(0, -h), { horizon: h, season: 7 });
    expect(both.seasons).toEqual([7, 365]);
    expect(smape(y.slice(-h), both.forecast)).toBeLessThan(smape(y.slice(-h), weekOnly.forecast));
  });
});

describe("seasonal periods from the data when there are no dates", () => {
  const e = noise(5);
  it.each([
    [
      "a weekly pattern in daily values",
      Array.from({ length: 120 }, (_, t) => 200 + t + (WEEK[t % 7] as number) + 10 * e()),
      [7],
    ],
    ["a yearly pattern in monthly values (AirPassengers)", air, [12]],
    [
      "a quarterly pattern",
      Array.from({ length: 40 }, (_, t) => 100 + 2 * t + [20, -5, 10, -25][t % 4]! + 3 * e()),
      [4],
    ],
    ["a trend and noise", Array.from({ length: 120 }, (_, t) => 5 + 2 * t + 10 * e()), []],
    ["a series too short to tell", [5, 7, 6, 8, 7, 9, 8], []],
  ])("%s → [%s]", (_name, values, expected) => {
    expect(detectSeasons(values)).toEqual(expected);
  });

  it("a period found by chance in white noise costs the forecast little (the models test it again)", async () => {
    let found = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const w = noise(100 + seed);
      const y = Array.from({ length: 224 }, () => 50 + 10 * w());
      const train = y.slice(0, 200);
      if (!detectSeasons(train).length) continue;
      found++;
      const detected = await mustForecast(train, { horizon: 24 });
      const none = await mustForecast(train, { horizon: 24, season: 1 });
      expect(smape(y.slice(200), detected.forecast)).toBeLessThan(1.1 * smape(y.slice(200), none.forecast));
    }
    // Five periods each tested at 95 %: about a fifth of noise series show one by chance.
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThanOrEqual(8);
  });

  it("forecast() says the period came from the data", async () => {
    const r = await mustForecast(air.slice(0, 96), { horizon: 6 });
    expect(r).toMatchObject({ seasons: [12], seasonFrom: "data" });
    expect(r.dates).toBeUndefined();
  });
});

describe("ARIMA in the pool only where the backtest favours it", () => {
  // An AR(2) cycle: smoothing models see noise around a level, ARIMA sees the oscillation.
  const ar2 = (seed: number, n: number) => {
    const e = noise(seed);
    const y = [100, 100];
    for (let t = 2; t < n; t++) y.push(100 + 1.5 * (y[t - 1]! - 100) - 0.8 * (y[t - 2]! - 100) + 4 * e());
    return y;
  };

  it("stays out unless asked for", async () => {
    const r = await mustForecast(ar2(1, 80), { horizon: 6 });
    expect(r.candidates.some((c) => c.model.includes("ARIMA"))).toBe(false);
  });

  it("joins an oscillating series, where its backtest beats the pool's", async () => {
    const r = await mustForecast(ar2(2, 80), { horizon: 6, arima: true });
    const pool = r.candidates.find((c) => c.model.startsWith("Combination") && !c.model.includes("ARIMA"));
    const withArima = r.candidates.find(
      (c) => c.model.startsWith("Combination") && c.model.includes("ARIMA"),
    );
    expect(withArima!.smape).toBeLessThan(pool!.smape);
    expect(r.model).toMatch(/^Combination\(.*ARIMA/);
  });

  it("is chosen exactly when its backtest is lower, on every series tried", async () => {
    const e = noise(9);
    const series = [
      ar2(3, 60),
      air.slice(0, 72),
      Array.from({ length: 60 }, (_, t) => 50 + 0.5 * t + 5 * e()),
      Array.from({ length: 48 }, () => 100 + 20 * e()),
    ];
    for (const y of series) {
      const r = await mustForecast(y, { horizon: 6, arima: true, dates: undefined });
      const pool = r.candidates.find((c) => c.model.startsWith("Combination") && !c.model.includes("ARIMA"))!;
      const withArima = r.candidates.find(
        (c) => c.model.startsWith("Combination") && c.model.includes("ARIMA"),
      );
      const admitted = r.model.includes("ARIMA");
      if (admitted) expect(withArima!.smape).toBeLessThan(pool.smape);
      else if (withArima && Number.isFinite(withArima.smape))
        expect(withArima.smape).toBeGreaterThanOrEqual(pool.smape);
    }
  });

  it("never joins a series too short to fit ARIMA (under 24 points)", async () => {
    const r = await mustForecast(ar2(4, 20), { horizon: 3, arima: true });
    expect(r.model.includes("ARIMA")).toBe(false);
    expect(r.candidates.some((c) => c.model.includes("ARIMA"))).toBe(false);
  });
});
