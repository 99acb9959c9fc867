import { type ChartInput, chartGeometry, renderChartPng } from "../../kernel/chart/index.js";
import type { ReplyImage } from "../../ports/reply.js";
import type { ForecastResult } from "./types.js";

/** Chart size for chat: wide enough to read on a phone, small enough to upload fast. */
export const CHART_SIZE = { width: 640, height: 320 };
/** History shown before a forecast (the rest of the history would squash the forecast). */
export const CHART_HISTORY = 26;

/**
 * Renders one or more charts (stacked) into a reply image: the PNG for Slack, WhatsApp and e-mail,
 * the data for channels that draw text (console). `alt` says in words what the chart shows.
 */
export async function chartImage(
  charts: ChartInput[],
  alt: string,
): Promise<ReplyImage & { renderer: string }> {
  const rendered = await renderChartPng(
    charts.map((c) => chartGeometry(c, CHART_SIZE.width, CHART_SIZE.height)),
  );
  return {
    pngBase64: rendered.png.toString("base64"),
    alt,
    title: charts.map((c) => c.title).join(" · "),
    charts,
    renderer: rendered.renderer,
  };
}

/** A forecast with its 80 % and 95 % intervals after the last `CHART_HISTORY` actual values. */
export function forecastChartInput(opts: {
  title: string;
  /** Dates (or period labels) of the history, same length as `values`. */
  dates: readonly string[];
  values: readonly number[];
  result: ForecastResult;
  /** Dates of the forecast steps (default: the result's own, else "+1", "+2", …). */
  futureDates?: readonly string[];
  unit?: string;
}): ChartInput {
  const r = opts.result;
  const keep = Math.min(CHART_HISTORY, opts.values.length);
  const future = opts.futureDates ?? r.dates ?? r.forecast.map((_, i) => `+${i + 1}`);
  return {
    title: opts.title,
    labels: [...opts.dates.slice(-keep), ...future.slice(0, r.forecast.length)],
    actual: opts.values.slice(-keep),
    forecast: {
      point: r.forecast,
      lower: r.lower80,
      upper: r.upper80,
      lower95: r.lower95,
      upper95: r.upper95,
    },
    legend: "forecast, 80 % and 95 % intervals",
    ...(opts.unit ? { unit: opts.unit } : {}),
  };
}
