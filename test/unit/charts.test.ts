import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cashFanInput, type FanView } from "../../src/core/features/cashflow/index.js";
import { chartImage, forecast, forecastChartInput } from "../../src/core/features/forecast/index.js";
import {
  CHART_COLORS,
  type ChartInput,
  chartGeometry,
  chartSvg,
  rasterizeCharts,
  renderChartPng,
  unicodeChart,
} from "../../src/core/kernel/chart/index.js";

/** PNG header, then every pixel row inflated from the (single) IDAT chunk. */
function decode(png: Buffer) {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return { width, height };
}
function pixels(png: Buffer) {
  const { width } = decode(png);
  const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
  const hex = (c: string) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16));
  return {
    at: (x: number, y: number) => [
      ...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3),
    ],
    hex,
  };
}

const fan: FanView = {
  currency: "EUR",
  openingKnown: true,
  bands: [0, 7, 14, 21, 28, 35].map((day, i) => ({
    day,
    on: new Date(Date.UTC(2026, 11, 3 + day)).toISOString().slice(0, 10),
    p50: 5_000_000 - i * 1_500_000,
    p10: 5_000_000 - i * 2_200_000,
    p90: 5_000_000 - i * 900_000,
    mean: 5_000_000 - i * 1_500_000,
  })),
};

describe("charts without a browser", () => {
  it("the cash fan chart starts at today's balance and keeps P10 ≤ P50 ≤ P90 at every week", () => {
    const input = cashFanInput(fan)!;
    expect(input.actual).toEqual([50_000]);
    expect(input.labels).toHaveLength(6);
    const { point, lower, upper } = input.forecast;
    point.forEach((p, i) => {
      expect(lower[i]).toBeLessThanOrEqual(p);
      expect(p).toBeLessThanOrEqual(upper[i]!);
    });
    expect(input.title).toBe("Cash balance (EUR), next 5 weeks");
    expect(cashFanInput({ ...fan, openingKnown: false })!.title).toMatch(/^Net change in cash/);
    expect(cashFanInput(fan, { until: "2026-12-17" })!.forecast.point).toHaveLength(2);
    expect(cashFanInput({ ...fan, bands: fan.bands.slice(0, 1) })).toBeNull();
  });

  it("lays the bands out in order on screen: 95 % outside 80 %, upper edge above the point above the lower", () => {
    const input: ChartInput = {
      title: "Revenue",
      labels: Array.from({ length: 10 }, (_, i) => `2026-0${Math.floor(i / 9) + 1}-0${(i % 9) + 1}`),
      actual: [10, 12, 11, 13, 12, 14],
      forecast: {
        point: [14, 15, 15, 16],
        lower: [12, 12, 11, 11],
        upper: [16, 18, 19, 21],
        lower95: [11, 10, 9, 8],
        upper95: [17, 20, 22, 24],
      },
    };
    const g = chartGeometry(input, 640, 320);
    const k = input.forecast.point.length;
    // band = [join, upper×k, lower×k reversed, join]; screen y grows downwards.
    for (let i = 0; i < k; i++) {
      const up = g.band[1 + i]!.y;
      const low = g.band[1 + 2 * k - 1 - i]!.y;
      const up95 = g.band95[1 + i]!.y;
      const low95 = g.band95[1 + 2 * k - 1 - i]!.y;
      const pt = g.forecast[1 + i]!.y;
      expect(up95).toBeLessThanOrEqual(up);
      expect(up).toBeLessThanOrEqual(pt);
      expect(pt).toBeLessThanOrEqual(low);
      expect(low).toBeLessThanOrEqual(low95);
    }
    expect(g.zeroY).toBeNull();
  });

  it("draws a zero line when the balance can go below zero, in the SVG and the PNG", () => {
    const g = chartGeometry(cashFanInput(fan)!, 400, 200);
    expect(g.zeroY).not.toBeNull();
    expect(chartSvg(g)).toContain(`stroke="${CHART_COLORS.zero}"`);
    const png = rasterizeCharts([g]);
    const { at, hex } = pixels(png);
    const y = Math.round(g.zeroY!);
    const row = Array.from({ length: 300 }, (_, x) => at(g.plot.left + x, y));
    expect(row).toContainEqual(hex(CHART_COLORS.zero));
  });

  it("stacks two charts into one PNG of the summed height (built-in renderer and resvg)", async () => {
    const a = chartGeometry(cashFanInput(fan)!, 320, 160);
    const b = chartGeometry(
      {
        title: "b",
        labels: ["1", "2", "3"],
        actual: [1, 2],
        forecast: { point: [3], lower: [2], upper: [4] },
      },
      320,
      160,
    );
    expect(decode(rasterizeCharts([a, b]))).toEqual({ width: 320, height: 320 });
    const r = await renderChartPng([a, b]);
    expect(decode(r.png)).toEqual({ width: 320, height: 320 });
    expect(r.svg.match(/<svg /g)).toHaveLength(3);
  });

  it("a forecast's chart image decodes as a PNG and carries the data it drew", async () => {
    const y = Array.from({ length: 48 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
    const dates = Array.from(
      { length: 48 },
      (_, i) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`,
    );
    const res = await forecast(y, { horizon: 6, dates });
    if (!res.ok) throw new Error(res.reason);
    const input = forecastChartInput({ title: "Orders", dates, values: y, result: res.value });
    expect(input.labels.slice(-6)).toEqual(res.value.dates);
    expect(input.labels[input.labels.length - 7]).toBe("2025-12-01");
    const image = await chartImage([input], "Orders forecast");
    expect(decode(Buffer.from(image.pngBase64!, "base64"))).toEqual({ width: 640, height: 320 });
    expect(image.charts).toEqual([input]);
    expect(image.alt).toBe("Orders forecast");
  });

  it("draws the forecast as text rows for the console, band and point on one shared scale", () => {
    const text = unicodeChart(cashFanInput(fan)!);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Cash balance (EUR), next 5 weeks — simulated median with P10–P90 band");
    expect(lines[1]).toMatch(/^now .*◆/);
    expect(lines).toHaveLength(2 + 5);
    for (const line of lines.slice(2)) {
      expect(line).toMatch(/^20\d\d-\d\d-\d\d .*●/);
      const band = line.indexOf("░") >= 0 ? line.indexOf("░") : line.indexOf("●");
      expect(band).toBeLessThanOrEqual(line.indexOf("●"));
    }
    // Below zero by the end: the zero column is marked.
    expect(lines.at(-1)).toContain("│");
    expect(lines.at(-1)).toMatch(/-25k \(-60k–5\.0k\)$/);
  });

  it("keeps a long forecast to a few rows, the last step always shown", () => {
    const point = Array.from({ length: 52 }, (_, i) => 100 + i);
    const text = unicodeChart({
      title: "Weekly",
      labels: Array.from({ length: 53 }, (_, i) => `w${i}`),
      actual: [99],
      forecast: { point, lower: point.map((p) => p - 5), upper: point.map((p) => p + 5) },
    });
    const rows = text.split("\n").slice(2);
    expect(rows).toHaveLength(8);
    expect(rows.at(-1)).toMatch(/^w52 /);
  });
});
