/**
 * A line chart as plain geometry (pure): actual values, a forecast line, its inner band (80 %, or
 * P10–P90 for a simulated balance) and an optional outer 95 % band. Both the SVG writer and the
 * built-in rasteriser draw from this, so the picture is the same either way; the console draws the
 * same input as text (`unicodeChart`).
 */
export interface ChartInput {
  title: string;
  /** Labels of the x positions (dates), actual first then forecast. */
  labels: string[];
  actual: number[];
  forecast: { point: number[]; lower: number[]; upper: number[]; lower95?: number[]; upper95?: number[] };
  unit?: string;
  /** What the band means, shown top right (default "forecast with 80 % interval"). */
  legend?: string;
}

export interface Pt {
  x: number;
  y: number;
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  title: string;
  actual: Pt[];
  forecast: Pt[];
  band: Pt[];
  /** The outer (95 %) band, drawn under the inner one; empty when not given. */
  band95: Pt[];
  /** y of the zero line when the value range crosses zero (a balance going negative). */
  zeroY: number | null;
  legend: string;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
}

export const CHART_COLORS = {
  background: "#ffffff",
  grid: "#e5e7eb",
  axis: "#6b7280",
  actual: "#1f2937",
  forecast: "#2563eb",
  band: "#bfdbfe",
  band95: "#e0ecff",
  zero: "#dc2626",
};

function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(v));
}

/** Lays the chart out on a `width`×`height` canvas. */
export function chartGeometry(input: ChartInput, width = 800, height = 400): ChartGeometry {
  const plot = { left: 64, top: 44, right: width - 20, bottom: height - 40 };
  const n = input.actual.length + input.forecast.point.length;
  const f = input.forecast;
  const all = [
    ...input.actual,
    ...f.lower,
    ...f.upper,
    ...f.point,
    ...(f.lower95 ?? []),
    ...(f.upper95 ?? []),
  ].filter(Number.isFinite);
  let lo = Math.min(0, ...all);
  let hi = Math.max(...all, 1);
  const step = niceStep(hi - lo, 5);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const x = (i: number) => plot.left + ((plot.right - plot.left) * i) / Math.max(1, n - 1);
  const y = (v: number) => plot.bottom - ((plot.bottom - plot.top) * (v - lo)) / (hi - lo || 1);
  const na = input.actual.length;
  const actual = input.actual.map((v, i) => ({ x: x(i), y: y(v) }));
  // The forecast starts from the last actual point so the lines join.
  const last = input.actual[na - 1];
  const joinAt = last === undefined ? [] : [{ x: x(na - 1), y: y(last) }];
  const forecast = [...joinAt, ...input.forecast.point.map((v, i) => ({ x: x(na + i), y: y(v) }))];
  const upper = input.forecast.upper.map((v, i) => ({ x: x(na + i), y: y(v) }));
  const lower = input.forecast.lower.map((v, i) => ({ x: x(na + i), y: y(v) }));
  const band = [...joinAt, ...upper, ...lower.reverse(), ...joinAt];
  const outer =
    f.lower95?.length === f.point.length && f.upper95?.length === f.point.length
      ? [
          ...joinAt,
          ...f.upper95.map((v, i) => ({ x: x(na + i), y: y(v) })),
          ...f.lower95.map((v, i) => ({ x: x(na + i), y: y(v) })).reverse(),
          ...joinAt,
        ]
      : [];
  const yTicks: ChartGeometry["yTicks"] = [];
  for (let v = lo; v <= hi + step / 2; v += step) yTicks.push({ y: y(v), label: compactNumber(v) });
  const every = Math.max(1, Math.ceil(n / 8));
  const xTicks = input.labels.flatMap((label, i) =>
    i % every === 0 ? [{ x: x(i), label: label.slice(5) }] : [],
  );
  return {
    width,
    height,
    plot,
    title: input.title,
    actual,
    forecast,
    band: band.length > 2 ? band : [],
    band95: outer.length > 2 ? outer : [],
    zeroY: lo < 0 && hi > 0 ? y(0) : null,
    legend: input.legend ?? "forecast with 80 % interval",
    yTicks,
    xTicks,
  };
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const path = (pts: readonly Pt[]) =>
  pts.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");

/** The chart as an SVG document (for resvg, or to embed on the web). */
export function chartSvg(g: ChartGeometry): string {
  const c = CHART_COLORS;
  const { left, right, bottom } = g.plot;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="${c.background}"/>`,
    `<text x="${left}" y="26" font-size="16" font-weight="bold" fill="${c.actual}">${esc(g.title)}</text>`,
    ...g.yTicks.map(
      (t) =>
        `<line x1="${left}" x2="${right}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="${c.grid}"/><text x="${left - 6}" y="${(t.y + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="${c.axis}">${esc(t.label)}</text>`,
    ),
    ...g.xTicks.map(
      (t) =>
        `<text x="${t.x.toFixed(1)}" y="${bottom + 18}" font-size="11" text-anchor="middle" fill="${c.axis}">${esc(t.label)}</text>`,
    ),
    g.band95.length ? `<path d="${path(g.band95)} Z" fill="${c.band95}" stroke="none"/>` : "",
    g.band.length ? `<path d="${path(g.band)} Z" fill="${c.band}" stroke="none"/>` : "",
    g.zeroY !== null
      ? `<line x1="${left}" x2="${right}" y1="${g.zeroY.toFixed(1)}" y2="${g.zeroY.toFixed(1)}" stroke="${c.zero}" stroke-dasharray="3 3"/>`
      : "",
    `<path d="${path(g.actual)}" fill="none" stroke="${c.actual}" stroke-width="2"/>`,
    g.forecast.length > 1
      ? `<path d="${path(g.forecast)}" fill="none" stroke="${c.forecast}" stroke-width="2" stroke-dasharray="6 4"/>`
      : "",
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="${c.axis}"/>`,
    `<text x="${right}" y="26" font-size="11" text-anchor="end" fill="${c.forecast}">${esc(g.legend)}</text>`,
    `</svg>`,
  ];
  return parts.filter(Boolean).join("\n");
}

/** Several charts of the same width stacked top to bottom in one SVG document (a digest's two charts). */
export function stackedSvg(gs: readonly ChartGeometry[]): string {
  if (gs.length === 1) return chartSvg(gs[0] as ChartGeometry);
  const width = Math.max(...gs.map((g) => g.width));
  const height = gs.reduce((s, g) => s + g.height, 0);
  let y = 0;
  const parts = gs.map((g) => {
    const inner = chartSvg(g).replace("<svg ", `<svg x="0" y="${y}" `);
    y += g.height;
    return inner;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...parts,
    "</svg>",
  ].join("\n");
}
