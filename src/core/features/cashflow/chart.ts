import type { ChartInput } from "../../kernel/chart/index.js";
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { ReplyImage } from "../../ports/reply.js";
import { chartImage } from "../forecast/index.js";
import type { CashOutlook } from "./outlook.js";
import type { Band } from "./simulate.js";

/** What a fan chart needs from the outlook (the digest carries this much). */
export interface FanView {
  bands: (Band & { on: string })[];
  currency: string;
  /** false: no cash_balance series, so the bands are the net change from today, not a balance. */
  openingKnown: boolean;
}

export const fanView = (o: CashOutlook): FanView => ({
  bands: o.bands,
  currency: o.currency,
  openingKnown: o.basis.openingMinor !== null,
});

/**
 * The fan chart of the cash balance: today's balance, then the simulated median with its P10–P90 band
 * every 7 days (plus the last day: the horizon or the asked-for date) — the cash engine's own
 * bands, so the picture shows the same figures as the text. Amounts in major units.
 */
export function cashFanInput(o: FanView, opts: { until?: string } = {}): ChartInput | null {
  const inRange = o.bands.filter((b) => b.day > 0 && (!opts.until || b.on <= opts.until));
  // Evenly spaced weeks (bucket ends would bunch the x axis), plus the last day asked about.
  const lastDay = inRange.at(-1)?.day;
  const ahead = inRange.filter((b) => b.day % 7 === 0 || b.day === lastDay);
  const start = o.bands.find((b) => b.day === 0);
  if (!start || ahead.length < 1) return null;
  const known = o.openingKnown;
  const weeks = Math.max(1, Math.round((ahead[ahead.length - 1]?.day ?? 7) / 7));
  return {
    title: `${known ? "Cash balance" : "Net change in cash"} (${o.currency}), next ${plural(weeks, "week")}`,
    labels: [start.on, ...ahead.map((b) => b.on)],
    actual: [start.p50 / 100],
    forecast: {
      point: ahead.map((b) => b.p50 / 100),
      lower: ahead.map((b) => b.p10 / 100),
      upper: ahead.map((b) => b.p90 / 100),
    },
    legend: "simulated median with P10–P90 band",
  };
}

/** The fan chart as a reply image, its alt text stating the last band in words; null when there is nothing to draw. */
export async function cashFanImage(
  outlook: CashOutlook | FanView,
  opts: { until?: string } = {},
): Promise<ReplyImage | null> {
  const o = "basis" in outlook ? fanView(outlook) : outlook;
  const input = cashFanInput(o, opts);
  if (!input) return null;
  const last = o.bands.filter((b) => b.day > 0 && (!opts.until || b.on <= opts.until)).at(-1);
  // (the fan's last point is this band: cashFanInput always keeps the last day)
  const c = o.currency;
  const alt = last
    ? `${input.title}: median ${formatMoney(last.p50, c)} on ${last.on}, P10 ${formatMoney(last.p10, c)}, P90 ${formatMoney(last.p90, c)}`
    : input.title;
  const { renderer: _renderer, ...image } = await chartImage([input], alt);
  return image;
}
