import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { tenants } from "../../infra/db/schema/index.js";
import { formatNumber } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import { analyzeRootCause, type MetricInput } from "../insights/index.js";
import type { AlertTarget } from "../outbox/index.js";
import type { FoundAnomaly, SeriesData } from "./data.js";
import { quietUntil } from "./schedule.js";
import { getSubscription, tenantQuietHours } from "./subscriptions.js";

/** Other series aligned to the target's dates (missing days carry the previous value). */
function alignedDrivers(target: SeriesData, all: readonly SeriesData[]): MetricInput[] {
  const out: MetricInput[] = [];
  for (const s of all) {
    if (s.key === target.key) continue;
    const byDate = new Map(s.dates.map((d, i) => [d, s.values[i] ?? 0]));
    let last = Number.NaN;
    const values = target.dates.map((d) => {
      last = byDate.get(d) ?? last;
      return last;
    });
    if (values.every(Number.isFinite)) out.push({ key: s.key, name: s.name, values });
  }
  return out;
}

/**
 * An anomaly alert with its root-cause explanation: the day against the same weekday a week
 * before, with every other metric tested as a driver (lagged correlation, Granger test; the text
 * states the test and p-value).
 */
export function anomalyAlert(a: FoundAnomaly, series: readonly SeriesData[]): Reply {
  const target = series.find((s) => s.key === a.metric);
  let explanation: string[] = [];
  if (target && a.index >= 7) {
    try {
      const rc = analyzeRootCause({
        target: { key: target.key, name: target.name, values: target.values },
        current: { start: a.index, end: a.index + 1 },
        previous: { start: a.index - 7, end: a.index - 6 },
        drivers: alignedDrivers(target, series),
      });
      explanation = rc.explanation;
    } catch {
      explanation = [];
    }
  }
  const dir = a.direction === "up" ? "spiked" : "dropped";
  return {
    text: `🔎 ${bold(`${a.metricName} ${dir} on ${a.date}`)}: ${formatNumber(a.value)}${a.unit ? ` ${a.unit}` : ""} against ~${formatNumber(a.expected)} expected (robust z ${a.score.toFixed(1)}).`,
    sections: explanation.length
      ? [{ title: "Why", text: explanation.map((l) => `• ${l}`).join("\n") }]
      : [{ title: "Why", text: "No driver explains it in the data I have." }],
    actions: [
      {
        id: "why",
        label: "Explain more",
        intent: { kind: "insights.why", metric: a.metric, period: a.date },
      },
    ],
    meta: { kind: "anomaly", metric: a.metric, date: a.date, score: a.score },
  };
}

/**
 * When a message to `target` may go out: now, or the end of the quiet hours of that chat's digest
 * subscription (else the tenant's `settings.quietHours` in the tenant's time zone).
 */
export async function quietNotBefore(
  deps: Deps,
  tenantId: string,
  target: AlertTarget,
  now: Date,
): Promise<Date | undefined> {
  const sub = await deps.db.tenantTx(tenantId, (tx) => getSubscription(tx, target));
  if (sub?.quietStart && sub.quietEnd) return quietUntil(sub, now) ?? undefined;
  const [t] = await deps.db.orm
    .select({ settings: tenants.settings, timezone: tenants.timezone })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  const q = tenantQuietHours(t?.settings);
  return q
    ? (quietUntil(
        { quietStart: q.start, quietEnd: q.end, timezone: sub?.timezone ?? t?.timezone ?? "UTC" },
        now,
      ) ?? undefined)
    : undefined;
}
