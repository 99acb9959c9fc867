import { crc32, deflateSync } from "node:zlib";
import { CHART_COLORS, type ChartGeometry, type Pt } from "./chart.js";

/**
 * A tiny rasteriser for the chart geometry (filled polygons, thick lines, rectangles) and a PNG
 * encoder. It exists so a digest carries a chart even where `@resvg/resvg-js` is not installed;
 * it draws no text (the title and numbers are in the message itself).
 */
class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly w: number,
    readonly h: number,
    bg: [number, number, number],
  ) {
    this.px = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) this.px.set(bg, i * 3);
  }
  dot(x: number, y: number, c: readonly number[]) {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.w || yi >= this.h) return;
    this.px.set(c, (yi * this.w + xi) * 3);
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: readonly number[]) {
    for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(this.h - 1, Math.ceil(y1)); y++)
      for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(this.w - 1, Math.ceil(x1)); x++)
        this.px.set(c, (y * this.w + x) * 3);
  }
  line(a: Pt, b: Pt, c: readonly number[], width = 1, dash?: [number, number]) {
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const steps = Math.max(1, Math.ceil(len * 2));
    const r = (width - 1) / 2;
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      if (dash && (t * len) % (dash[0] + dash[1]) > dash[0]) continue;
      const x = a.x + (b.x - a.x) * t;
      const y = a.y + (b.y - a.y) * t;
      if (r <= 0) this.dot(x, y, c);
      else this.rect(x - r, y - r, x + r, y + r, c);
    }
  }
  polyline(pts: readonly Pt[], c: readonly number[], width = 1, dash?: [number, number]) {
    for (let i = 1; i < pts.length; i++) this.line(pts[i - 1]!, pts[i]!, c, width, dash);
  }
  /** Even-odd scanline fill. */
  polygon(pts: readonly Pt[], c: readonly number[]) {
    if (pts.length < 3) return;
    const ys = pts.map((p) => p.y);
    for (
      let y = Math.max(0, Math.floor(Math.min(...ys)));
      y <= Math.min(this.h - 1, Math.ceil(Math.max(...ys)));
      y++
    ) {
      const sy = y + 0.5;
      const xs: number[] = [];
      for (let i = 0; i < pts.length; i++) {
        const p = pts[i]!;
        const q = pts[(i + 1) % pts.length]!;
        if ((p.y <= sy && q.y > sy) || (q.y <= sy && p.y > sy))
          xs.push(p.x + ((sy - p.y) / (q.y - p.y)) * (q.x - p.x));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) this.rect(xs[k]!, y, xs[k + 1]!, y, c);
    }
  }
}

const rgb = (hex: string): [number, number, number] =>
  [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGB pixels as a PNG (filter 0 on every row, zlib-deflated). */
export function encodePng(w: number, h: number, rgbPixels: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) raw.set(rgbPixels.subarray(y * w * 3, (y + 1) * w * 3), y * (w * 3 + 1) + 1);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** Draws the chart geometry without text and returns PNG bytes. */
export function rasterizeChart(g: ChartGeometry): Buffer {
  return encodePng(g.width, g.height, drawChart(g));
}

/** Charts of the same width stacked top to bottom in one PNG (rows are contiguous, so pixels concatenate). */
export function rasterizeCharts(gs: readonly ChartGeometry[]): Buffer {
  const width = (gs[0] as ChartGeometry).width;
  if (gs.some((g) => g.width !== width)) throw new Error("stacked charts must share a width");
  const px = gs.map(drawChart);
  const all = new Uint8Array(px.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of px) {
    all.set(p, at);
    at += p.length;
  }
  return encodePng(width, all.length / (width * 3), all);
}

function drawChart(g: ChartGeometry): Uint8Array {
  const c = CHART_COLORS;
  const cv = new Canvas(g.width, g.height, rgb(c.background));
  const { left, right, bottom } = g.plot;
  for (const t of g.yTicks) cv.line({ x: left, y: t.y }, { x: right, y: t.y }, rgb(c.grid));
  for (const t of g.xTicks) cv.line({ x: t.x, y: bottom }, { x: t.x, y: bottom + 5 }, rgb(c.axis));
  cv.polygon(g.band95, rgb(c.band95));
  cv.polygon(g.band, rgb(c.band));
  if (g.zeroY !== null) cv.line({ x: left, y: g.zeroY }, { x: right, y: g.zeroY }, rgb(c.zero), 1, [3, 3]);
  cv.polyline(g.actual, rgb(c.actual), 2);
  cv.polyline(g.forecast, rgb(c.forecast), 2, [6, 4]);
  cv.line({ x: left, y: bottom }, { x: right, y: bottom }, rgb(c.axis));
  cv.line({ x: left, y: g.plot.top }, { x: left, y: bottom }, rgb(c.axis));
  return cv.px;
}
