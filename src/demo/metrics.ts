import { mulberry32, pick, randInt, randNormal } from "./random.js";

export interface DemoSeries {
  key: string;
  name: string;
  unit: string;
  points: { date: string; value: number }[];
}

export interface DemoMetrics {
  series: DemoSeries[];
  /** What was hidden in the data on purpose, so tests and demos can check it is found. */
  planted: {
    anomaly: { metric: string; date: string };
    lag: { driver: string; target: string; lagDays: number };
  };
}

const DAY_MS = 86_400_000;
const LAG_DAYS = 7;
/** Campaign intensities (× the base daily spend); varied so the lagged effect is identifiable. */
const CAMPAIGN_LEVELS = [0.4, 0.8, 1.2, 1.8, 2.5] as const;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayOfYear(ms: number): number {
  const d = new Date(ms);
  return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS);
}

/** Daily marketing spend: campaigns of 1–4 weeks, then a deliberate cut in the last ~45 days. */
function marketingSchedule(rng: () => number, days: number): number[] {
  const level: number[] = [];
  while (level.length < days) {
    const len = randInt(rng, 7, 28);
    const l = pick(rng, CAMPAIGN_LEVELS);
    for (let i = 0; i < len && level.length < days; i++) level.push(l);
  }
  // A strong push followed by a cut makes "why did revenue drop last month?" have a real answer.
  for (let t = Math.max(0, days - 75); t < days; t++) level[t] = t < days - 45 ? 2.2 : 0.45;
  return level;
}

/**
 * About 20 months of daily metrics for a small online shop, fully determined by `seed`: trend,
 * weekly and yearly seasonality, noise, a lagged effect of marketing spend on orders (hence
 * revenue) of 7 days, and one sharp revenue drop on a day in the last 60 days.
 */
export function generateDemoMetrics(opts: { seed: number; end: Date; days: number }): DemoMetrics {
  const rng = mulberry32(opts.seed);
  const days = Math.max(opts.days, 90);
  const endMs = Date.UTC(opts.end.getUTCFullYear(), opts.end.getUTCMonth(), opts.end.getUTCDate());
  const startMs = endMs - (days - 1) * DAY_MS;
  const campaign = marketingSchedule(rng, days);
  const anomalyIndex = days - 1 - randInt(rng, 8, 50);

  const out: Record<string, number[]> = {
    revenue: [],
    orders: [],
    average_order_value: [],
    website_sessions: [],
    marketing_spend: [],
    new_leads: [],
    gross_margin_pct: [],
  };
  const push = (k: string, v: number) => out[k]?.push(v);

  for (let t = 0; t < days; t++) {
    const ms = startMs + t * DAY_MS;
    const dow = new Date(ms).getUTCDay(); // 0 = Sunday
    const weekend = dow === 0 || dow === 6;
    const growth = t / days;
    const yearly = Math.sin((2 * Math.PI * (dayOfYear(ms) - 80)) / 365);

    const spend =
      900 * (1 + 0.3 * growth) * (campaign[t] ?? 1) * (weekend ? 0.7 : 1) * (1 + 0.08 * randNormal(rng));
    push("marketing_spend", Math.max(0, Math.round(spend * 100) / 100));

    const sessions =
      1500 *
      (1 + 0.5 * growth) *
      (weekend ? 0.75 : 1.08) *
      (1 + 0.12 * yearly) *
      (1 + 0.07 * randNormal(rng));
    push("website_sessions", Math.round(sessions));
    push("new_leads", Math.max(0, Math.round(sessions * 0.02 * (1 + 0.15 * randNormal(rng)))));

    // Orders respond to the spend of LAG_DAYS ago (before the series starts, assume the base level).
    const pastSpend = t >= LAG_DAYS ? (out.marketing_spend?.[t - LAG_DAYS] ?? 900) : 900;
    const weekly = dow === 0 ? 0.75 : dow === 6 ? 0.85 : dow === 1 ? 1.08 : 1.03;
    let orders =
      (55 * (1 + 0.6 * growth) * weekly * (1 + 0.18 * yearly) + pastSpend / 45) *
      (1 + 0.05 * randNormal(rng));
    if (t === anomalyIndex) orders *= 0.3; // planted: a checkout outage wipes out most of a day
    orders = Math.max(0, Math.round(orders));
    push("orders", orders);

    const aov = 85 * (1 + 0.1 * growth) * (weekend ? 1.05 : 1) * (1 + 0.03 * randNormal(rng));
    push("average_order_value", Math.round(aov * 100) / 100);
    push("revenue", Math.round(orders * aov * 100) / 100);
    push("gross_margin_pct", Math.round((42 + 2 * yearly + 0.8 * randNormal(rng)) * 10) / 10);
  }

  const meta: [string, string, string][] = [
    ["revenue", "Revenue", "USD"],
    ["orders", "Orders", "orders"],
    ["average_order_value", "Average order value", "USD"],
    ["website_sessions", "Website sessions", "sessions"],
    ["marketing_spend", "Marketing spend", "USD"],
    ["new_leads", "New leads", "leads"],
    ["gross_margin_pct", "Gross margin", "%"],
  ];
  return {
    series: meta.map(([key, name, unit]) => ({
      key,
      name,
      unit,
      points: (out[key] ?? []).map((value, t) => ({ date: isoDate(startMs + t * DAY_MS), value })),
    })),
    planted: {
      anomaly: { metric: "revenue", date: isoDate(startMs + anomalyIndex * DAY_MS) },
      lag: { driver: "marketing_spend", target: "revenue", lagDays: LAG_DAYS },
    },
  };
}
