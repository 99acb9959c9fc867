import type { Deps } from "../../deps.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { findAndLoad } from "../series/index.js";
import { chartImage, forecastChartInput } from "./chart.js";
import { describeForecast } from "./describe.js";
import { forecast } from "./engine.js";
import type { ForecastResult } from "./types.js";

/** Metrics that are levels or ratios are averaged per week; flows (money in, orders, visits) are summed. */
export function isLevelMetric(key: string, unit: string): boolean {
  return /pct|percent|average|avg|rate|ratio|balance|margin/.test(key) || unit === "%";
}

/** Daily points → ISO-week totals (or means), dropping a trailing incomplete week. */
export function toWeekly(
  dates: string[],
  values: number[],
  level: boolean,
): { weekStarts: string[]; values: number[] } {
  const weeks = new Map<string, { sum: number; n: number }>();
  for (const [i, d] of dates.entries()) {
    const t = new Date(`${d}T00:00:00Z`);
    const monday = new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const w = weeks.get(monday) ?? { sum: 0, n: 0 };
    w.sum += values[i]!;
    w.n++;
    weeks.set(monday, w);
  }
  const keys = [...weeks.keys()].sort();
  // A partial first or last week would look like a drop; keep only full weeks.
  const full = keys.filter((k) => weeks.get(k)!.n === 7);
  return { weekStarts: full, values: full.map((k) => (level ? weeks.get(k)!.sum / 7 : weeks.get(k)!.sum)) };
}

const fmtPlain = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2));

const ADJECTIVE: Record<NonNullable<ForecastResult["frequency"]>, string> = {
  day: "daily",
  week: "weekly",
  month: "monthly",
  quarter: "quarterly",
  year: "yearly",
};

/** Where the seasonality came from, in words. */
export function seasonText(f: Pick<ForecastResult, "seasons" | "seasonFrom" | "frequency">): string {
  const periods = f.seasons.length ? `seasonal period ${f.seasons.join(" and ")}` : "no seasonal period";
  if (f.seasonFrom === "dates") return `${periods} from the ${ADJECTIVE[f.frequency ?? "day"]} dates`;
  if (f.seasonFrom === "data") return `${periods} found in the data (autocorrelation test)`;
  return `${periods} as given`;
}

/** `forecast <metric> [weeks]`: weekly forecast with intervals and the backtest error in words. */
export async function forecastMetricReply(
  deps: Deps,
  actor: Actor,
  metric: string,
  horizon?: number,
  opts: { chart?: boolean } = {},
): Promise<Reply> {
  const found = await deps.db.tenantTx(actor.tenantId, (tx) => findAndLoad(tx, metric));
  if (!found.loaded)
    return {
      text: `I have no metric called "${metric}". Known metrics: ${found.candidates.map((c) => c.key).join(", ")}.`,
    };
  const { series, dates, values } = found.loaded;
  const h = Math.min(Math.max(horizon ?? 8, 1), 52);
  const weekly =
    series.frequency === "day"
      ? toWeekly(dates, values, isLevelMetric(series.key, series.unit))
      : { weekStarts: dates, values };
  const periodLabel = series.frequency === "month" ? "month" : "week";
  // The dates say the seasonal periods (weekly → 52 once three years are there, monthly → 12).
  const res = await forecast(weekly.values, { horizon: h, dates: weekly.weekStarts });
  if (!res.ok) return { text: `I can't forecast ${series.name} yet: ${res.reason}` };
  const f = res.value;
  const title = `${series.name}: ${plural(h, periodLabel)} ahead`;
  // The REST API reads only the figures: no picture drawn for it.
  const image =
    opts.chart === false
      ? null
      : await chartImage(
          [
            forecastChartInput({
              title,
              dates: weekly.weekStarts,
              values: weekly.values,
              result: f,
              unit: series.unit,
            }),
          ],
          `${title}, forecast ${fmtPlain(f.forecast[0]!)} to ${fmtPlain(f.forecast[h - 1]!)} with 80 % range ${fmtPlain(f.lower80[h - 1]!)}–${fmtPlain(f.upper80[h - 1]!)} at the end`,
        ).catch((err: unknown) => {
          deps.logger.warn({ err, metric: series.key }, "forecast chart failed; answering with text only");
          return null;
        });
  const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2));
  return {
    text: describeForecast(f, { metricName: series.name.toLowerCase(), unit: series.unit, periodLabel }),
    fields: f.forecast.slice(0, 12).map((v, i) => ({
      label: `${periodLabel} +${i + 1}`,
      value: `${fmt(v)} (80 %: ${fmt(f.lower80[i]!)}–${fmt(f.upper80[i]!)})`,
    })),
    sources: [
      {
        label: "Metric series",
        detail: `${series.key}: ${weekly.values.length} ${periodLabel}ly values up to ${weekly.weekStarts.at(-1) ?? dates.at(-1)}`,
      },
      {
        label: "Forecast model",
        detail: `${f.model}, chosen by rolling-origin backtest (sMAPE ${f.backtest.smape.toFixed(1)} % over ${f.backtest.origins} origins); ${seasonText(f)}`,
      },
    ],
    ...(image
      ? { image: { pngBase64: image.pngBase64, alt: image.alt, title: image.title, charts: image.charts } }
      : {}),
    meta: {
      metric: series.key,
      model: f.model,
      horizon: h,
      forecast: f.forecast,
      lower80: f.lower80,
      upper80: f.upper80,
      lower95: f.lower95,
      upper95: f.upper95,
      backtest: f.backtest,
      seasons: f.seasons,
      seasonFrom: f.seasonFrom,
      chartRenderer: image?.renderer ?? null,
    },
  };
}
