import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ForecastResult } from "../../../src/core/features/forecast/index.js";
import {
  describeForecast,
  detectSeason,
  forecast,
  smape,
} from "../../../src/core/features/forecast/index.js";

const air = readFileSync(new URL("../../fixtures/forecast/airpassengers.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => Number(line.split(",")[3]));

async function mustForecast(
  values: (number | null)[],
  opts: Parameters<typeof forecast>[1],
): Promise<ForecastResult> {
  const res = await forecast(values, opts);
  if (!res.ok) throw new Error(`expected a forecast, got: ${res.reason}`);
  return res.value;
}

describe("forecast", () => {
  it("forecasts the last year of AirPassengers within 8 % sMAPE (measured 5.4; seasonal naive scores 10.6)", async () => {
    const r = await mustForecast(air.slice(0, -12), { horizon: 12, season: 12 });
    expect(r.forecast).toHaveLength(12);
    expect(smape(air.slice(-12), r.forecast)).toBeLessThan(8);
    expect(r.backtest.origins).toBeGreaterThan(0);
    expect(r.backtest.byStep).toHaveLength(12);
    expect(r.candidates.map((c) => c.model).join(" ")).toMatch(/Theta/);
  });

  it("returns nested intervals that widen with the horizon", async () => {
    const r = await mustForecast(air.slice(0, -12), { horizon: 12, season: 12 });
    for (let i = 0; i < 12; i++) {
      const [l95, l80, f, u80, u95] = [
        r.lower95[i],
        r.lower80[i],
        r.forecast[i],
        r.upper80[i],
        r.upper95[i],
      ] as number[];
      expect(l95).toBeLessThan(l80 as number);
      expect(l80).toBeLessThanOrEqual(f as number);
      expect(f).toBeLessThanOrEqual(u80 as number);
      expect(u80).toBeLessThan(u95 as number);
    }
    const width = (i: number): number =>
      ((r.upper95[i] as number) - (r.lower95[i] as number)) / (r.forecast[i] as number);
    expect(width(11)).toBeGreaterThan(width(0));
  });

  it("is deterministic", async () => {
    const a = await forecast(air.slice(0, 100), { horizon: 6, season: 12 });
    const b = await forecast(air.slice(0, 100), { horizon: 6, season: 12 });
    expect(a).toEqual(b);
  });

  it("forecasts a constant series as that constant with no spread", async () => {
    const r = await mustForecast(new Array(30).fill(42), { horizon: 5, season: 12 });
    expect(r.forecast).toEqual([42, 42, 42, 42, 42]);
    expect(r.lower95).toEqual(r.upper95);
  });

  it("refuses three points with a reason instead of guessing", async () => {
    const res = await forecast([1, 2, 3], { horizon: 3 });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toMatch(/at least 5 observations/);
  });

  it("rejects an unknown model name and a bad horizon", async () => {
    expect(await forecast(air, { horizon: 3, models: ["prophet"] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unknown model prophet/),
    });
    expect(await forecast(air, { horizon: 0 })).toMatchObject({ ok: false });
  });

  it("interpolates NaN and null values", async () => {
    const gappy: (number | null)[] = air
      .slice(0, 60)
      .map((v, i) => (i === 20 ? null : i === 33 ? Number.NaN : v));
    const filled = air
      .slice(0, 60)
      .map((v, i) =>
        i === 20
          ? ((air[19] as number) + (air[21] as number)) / 2
          : i === 33
            ? ((air[32] as number) + (air[34] as number)) / 2
            : v,
      );
    const a = await mustForecast(gappy, { horizon: 6, season: 12 });
    const b = await mustForecast(filled, { horizon: 6, season: 12 });
    expect(a.forecast.every(Number.isFinite)).toBe(true);
    expect(a.forecast).toEqual(b.forecast);
  });

  it("handles zeros (intermittent sales) without negative forecasts", async () => {
    const sales = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 0 : i % 3 === 0 ? 5 : 2));
    const r = await mustForecast(sales, { horizon: 8, season: 1 });
    expect(r.forecast.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(r.lower95.every((v) => v >= 0)).toBe(true);
  });

  it("forecasts a pure seasonal pattern rising 2 a year through ARIMA's differencing-only model", async () => {
    const pattern = [10, 14, 18, 22, 30, 45, 50, 48, 33, 25, 16, 12];
    const y = Array.from({ length: 72 }, (_, t) => (pattern[t % 12] as number) + 2 * Math.floor(t / 12));
    const r = await mustForecast(y, { horizon: 14, season: 12, models: ["arima"] });
    expect(r.model).toBe("ARIMA(0,0,0)(0,1,0)[12]");
    const expected = Array.from(
      { length: 14 },
      (_, i) => (pattern[i % 12] as number) + 12 + (i >= 12 ? 2 : 0),
    );
    r.forecast.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 6);
    });
  });

  it("follows a seasonal pattern with trend with the default models too", async () => {
    const pattern = [10, 14, 18, 22, 30, 45, 50, 48, 33, 25, 16, 12];
    const y = Array.from({ length: 72 }, (_, t) => (pattern[t % 12] as number) + 2 * Math.floor(t / 12));
    const r = await mustForecast(y, { horizon: 12, season: 12 });
    const expected = pattern.map((p) => p + 12);
    expect(smape(expected, r.forecast)).toBeLessThan(3);
  });

  it("keeps the ARIMA core's console output off stdout", async () => {
    const writes: unknown[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => {
      writes.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await forecast(air, { horizon: 6, season: 12, models: ["arima"] });
    } finally {
      process.stdout.write = original;
    }
    expect(writes).toEqual([]);
  });
});

describe("detectSeason", () => {
  it("finds the weekly period of a daily business metric and none in a trend", () => {
    const daily = Array.from(
      { length: 120 },
      (_, t) => 200 + t + [0, 30, 35, 32, 40, 80, -60][t % 7]! + ((t * 37) % 11),
    );
    expect(detectSeason(daily)).toBe(7);
    expect(detectSeason(Array.from({ length: 120 }, (_, t) => 5 + 2 * t + ((t * 37) % 11)))).toBe(1);
    expect(detectSeason(air)).toBe(12);
  });
});

describe("describeForecast", () => {
  it("states the forecast, its range and the typical one-step error in words", async () => {
    const r = await mustForecast(air.slice(0, -12), { horizon: 12, season: 12 });
    const text = describeForecast(r, { metricName: "passengers", unit: "k", periodLabel: "month" });
    expect(text).toMatch(/^Passengers is forecast at \d/);
    expect(text).toMatch(/80 % range/);
    expect(text).toMatch(
      new RegExp(
        `typically off by ${String(Math.round((r.backtest.byStep?.[0] as number) * 10) / 10).replace(".", "\\.")} % one month out`,
      ),
    );
  });
});
