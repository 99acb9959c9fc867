import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  chartGeometry,
  chartSvg,
  encodePng,
  rasterizeChart,
  renderChartPng,
} from "../../../src/core/features/digest/index.js";

const input = {
  title: "Revenue <daily>",
  labels: Array.from({ length: 20 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`),
  actual: Array.from({ length: 14 }, (_, i) => 100 + 10 * Math.sin(i)),
  forecast: {
    point: [105, 106, 107, 108, 109, 110],
    lower: [90, 89, 88, 87, 86, 85],
    upper: [120, 122, 124, 126, 128, 130],
  },
};

function decode(png: Buffer) {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return { width, height, colorType: png[25] };
}

describe("digest chart without a browser", () => {
  it("writes an SVG with the actual line, the dashed forecast and the interval band, escaping text", () => {
    const svg = chartSvg(chartGeometry(input));
    expect(svg).toContain("Revenue &lt;daily&gt;");
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg.match(/<path /g)).toHaveLength(3);
  });

  it("renders a PNG of the requested size", async () => {
    const r = await renderChartPng(chartGeometry(input, 640, 320));
    expect(decode(r.png)).toMatchObject({ width: 640, height: 320 });
    expect(r.png.length).toBeGreaterThan(2000);
  });

  it("the built-in rasteriser fills the forecast band and draws the lines", () => {
    const g = chartGeometry(input, 400, 200);
    const png = rasterizeChart(g);
    expect(decode(png)).toEqual({ width: 400, height: 200, colorType: 2 });
    // Read pixels back: the IDAT holds filter byte + RGB per row.
    const idatLen = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const px = (x: number, y: number) => [
      ...raw.subarray(y * (400 * 3 + 1) + 1 + x * 3, y * (400 * 3 + 1) + 1 + x * 3 + 3),
    ];
    const lastF = g.band.length / 2;
    const inside = {
      x: Math.round((g.band[2]!.x + g.band[3]!.x) / 2),
      y: Math.round((g.band[2]!.y + g.band[g.band.length - 3]!.y) / 2),
    };
    expect(lastF).toBeGreaterThan(2);
    expect(px(inside.x, inside.y)).toEqual([0xbf, 0xdb, 0xfe]);
    expect(px(5, 5)).toEqual([255, 255, 255]);
  });

  it("encodes any RGB buffer as a valid PNG", () => {
    const png = encodePng(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255]));
    const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 0, 255]);
  });
});
