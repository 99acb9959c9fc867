import { plural } from "../../kernel/text.js";
import type { ForecastResult } from "./types.js";

export interface DescribeOptions {
  /** What is forecast, e.g. "revenue". */
  metricName: string;
  /** Unit shown after numbers, e.g. "€" or "orders". */
  unit?: string;
  /** Singular name of one period, e.g. "month", "week", "day". */
  periodLabel: string;
}

function fmt(v: number, unit?: string): string {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const num = v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  if (!unit) return num;
  // Currency symbols go in front ($120); anything else is a trailing word (120 orders).
  return /^[$€£¥₹]$/.test(unit) ? `${unit}${num}` : `${num} ${unit}`;
}

/** Plain name of a model for people who do not know ETS from Theta. */
function plainModel(model: string): string {
  if (model.startsWith("Combination")) return "an average of several smoothing models";
  if (model.startsWith("ETS")) return "exponential smoothing";
  if (model === "Theta") return "the Theta method";
  if (model === "Damped") return "a damped trend";
  if (model === "SES") return "simple exponential smoothing";
  if (model === "Seasonal naive") return "last season repeated";
  if (model === "Naive") return "the latest value carried forward";
  if (model.startsWith("ARIMA")) return "an ARIMA model";
  return model;
}

/**
 * A short plain-English summary for chat: where the metric is heading, the 80 % range at the end of
 * the horizon, and how far off the model typically was one period out in its backtest.
 */
export function describeForecast(result: ForecastResult, opts: DescribeOptions): string {
  const h = result.forecast.length;
  const last = result.forecast[h - 1] as number;
  const first = result.forecast[0] as number;
  const lo = result.lower80[h - 1] as number;
  const hi = result.upper80[h - 1] as number;
  const parts: string[] = [];
  const direction = last > first * 1.02 ? "rising" : last < first * 0.98 ? "falling" : "roughly flat";
  parts.push(
    `${opts.metricName[0]?.toUpperCase() ?? ""}${opts.metricName.slice(1)} is forecast at ${fmt(first, opts.unit)} next ${opts.periodLabel}` +
      (h > 1
        ? ` and ${fmt(last, opts.unit)} in ${plural(h, opts.periodLabel)} (${direction}; 80 % range ${fmt(lo, opts.unit)}–${fmt(hi, opts.unit)}).`
        : ` (80 % range ${fmt(result.lower80[0] as number, opts.unit)}–${fmt(result.upper80[0] as number, opts.unit)}).`),
  );
  const oneStep = result.backtest.byStep?.[0];
  if (result.backtest.origins > 0 && oneStep !== undefined && Number.isFinite(oneStep)) {
    // sMAPE ≈ percentage error for moderate errors; rounding keeps it honest without false precision.
    const pct = oneStep < 10 ? Math.round(oneStep * 10) / 10 : Math.round(oneStep);
    parts.push(
      `Model: ${plainModel(result.model)}; on past data it was typically off by ${pct} % one ${opts.periodLabel} out` +
        (h > 1 && Number.isFinite(result.backtest.smape)
          ? ` and ${Math.round(result.backtest.smape)} % on average over ${plural(result.backtest.byStep?.length ?? h, opts.periodLabel)}.`
          : "."),
    );
  } else {
    parts.push(
      `Model: ${plainModel(result.model)}; there is too little history to measure how accurate it is, so treat this as a rough guide.`,
    );
  }
  return parts.join(" ");
}
