/** Charts without a browser: geometry (pure), SVG, PNG (resvg or the built-in rasteriser) and text. */
export {
  CHART_COLORS,
  type ChartGeometry,
  type ChartInput,
  chartGeometry,
  chartSvg,
  compactNumber,
  type Pt,
  stackedSvg,
} from "./chart.js";
export { type RenderedChart, renderChartPng } from "./png.js";
export { encodePng, rasterizeChart, rasterizeCharts } from "./raster.js";
export { unicodeChart } from "./text.js";
