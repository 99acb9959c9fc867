import { existsSync } from "node:fs";
import { type ChartGeometry, stackedSvg } from "./chart.js";
import { rasterizeCharts } from "./raster.js";

export interface RenderedChart {
  png: Buffer;
  svg: string;
  /** "resvg" renders text and anti-aliasing; "builtin" is the dependency-free fallback. */
  renderer: "resvg" | "builtin";
}

type Rendered = { asPng(): Uint8Array };
interface ResvgModule {
  Resvg?: new (svg: string, opts?: Record<string, unknown>) => { render(): Rendered };
  /** Renders on the libuv thread pool, off the JavaScript thread (2.6.x). */
  renderAsync?: (svg: string, opts?: Record<string, unknown>) => Promise<Rendered>;
}
let resvg: Promise<ResvgModule | null> | undefined;

/** `@resvg/resvg-js` (2.6.x) when installed; looked up once. */
function loadResvg(): Promise<ResvgModule | null> {
  const spec = "@resvg/resvg-js";
  resvg ??= import(spec).then(
    (m: ResvgModule & { default?: ResvgModule }) => (m.Resvg || m.renderAsync ? m : (m.default ?? null)),
    () => null,
  );
  return resvg;
}

const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
];
let fontOptions: Record<string, unknown> | undefined;

/** Loading every system font costs ~0.3 s per render; a couple of known files cost milliseconds. */
function fonts(): Record<string, unknown> {
  if (!fontOptions) {
    const files = FONT_CANDIDATES.filter((f) => existsSync(f));
    fontOptions = files.length
      ? {
          loadSystemFonts: false,
          fontFiles: files,
          defaultFontFamily: files[0]!.includes("Liberation") ? "Liberation Sans" : "DejaVu Sans",
        }
      : { loadSystemFonts: true };
  }
  return fontOptions;
}

/**
 * Renders a chart (or several of the same width, stacked) to PNG without a browser: SVG → PNG with
 * resvg when available, otherwise the built-in rasteriser (no text). Never throws for a missing renderer.
 */
export async function renderChartPng(
  chart: ChartGeometry | readonly ChartGeometry[],
): Promise<RenderedChart> {
  const gs: readonly ChartGeometry[] = Array.isArray(chart) ? chart : [chart as ChartGeometry];
  if (gs.length === 0) throw new Error("no chart to render");
  const svg = stackedSvg(gs);
  const mod = await loadResvg();
  if (mod?.renderAsync || mod?.Resvg) {
    try {
      const opts = { fitTo: { mode: "original" }, font: fonts() };
      const Ctor = mod.Resvg;
      const image = mod.renderAsync
        ? await mod.renderAsync(svg, opts)
        : new (Ctor as NonNullable<typeof Ctor>)(svg, opts).render();
      return { png: Buffer.from(image.asPng()), svg, renderer: "resvg" };
    } catch {
      // fall through to the built-in renderer
    }
  }
  return { png: rasterizeCharts(gs), svg, renderer: "builtin" };
}
