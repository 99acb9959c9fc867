import type { Deps } from "../../deps.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { isLevelMetric } from "../forecast/index.js";
import { findAndLoad, listSeries, loadSeries } from "../series/index.js";
import { analyzeRootCause, formatP } from "./root-cause.js";

/** Window length in days for "last week", "last month", "last quarter" (default: last 30 days). */
export function periodDays(period: string | undefined): number {
  const p = (period ?? "").toLowerCase();
  if (/week|7/.test(p)) return 7;
  if (/quarter|90/.test(p)) return 90;
  return 30;
}

/** Known multiplicative decompositions of common metrics (revenue = orders × average order value). */
const PRODUCTS: Record<string, string[]> = { revenue: ["orders", "average_order_value"] };

/**
 * "Why did <metric> change [period]?" on the tenant's daily series: change vs the previous period,
 * contributions of its components, and every other series tested as a lagged driver.
 */
export async function whyReply(deps: Deps, actor: Actor, metric: string, period?: string): Promise<Reply> {
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const { loaded, candidates } = await findAndLoad(tx, metric);
    if (!loaded)
      return {
        text: `I have no metric called "${metric}". Known metrics: ${candidates.map((c) => c.key).join(", ")}.`,
      };
    const days = periodDays(period);
    const n = loaded.values.length;
    if (n < days * 2 + 30)
      return {
        text: `Not enough history for ${loaded.series.name}: ${plural(n, "day")}, I need at least ${days * 2 + 30}.`,
      };
    const others = (await listSeries(tx)).filter((s) => s.id !== loaded.series.id);
    const byKey = new Map<string, number[]>();
    for (const s of others) {
      const l = await loadSeries(tx, s);
      // Align on the target's dates; drivers with gaps are skipped rather than guessed.
      const idx = new Map(l.dates.map((d, i) => [d, l.values[i]!]));
      const aligned = loaded.dates.map((d) => idx.get(d));
      if (aligned.every((v) => v !== undefined)) byKey.set(s.key, aligned as number[]);
    }
    const comps = PRODUCTS[loaded.series.key]?.filter((k) => byKey.has(k));
    const result = analyzeRootCause({
      target: {
        key: loaded.series.key,
        name: loaded.series.name,
        values: loaded.values,
        kind: isLevelMetric(loaded.series.key, loaded.series.unit) ? "level" : "flow",
      },
      current: { start: n - days, end: n },
      components:
        comps && comps.length === PRODUCTS[loaded.series.key]!.length
          ? {
              kind: "product",
              series: comps.map((k) => ({
                key: k,
                name: others.find((o) => o.key === k)!.name,
                values: byKey.get(k)!,
              })),
            }
          : undefined,
      drivers: [...byKey.entries()]
        .filter(([k]) => !comps?.includes(k))
        .map(([k, values]) => {
          const o = others.find((x) => x.key === k)!;
          return {
            key: k,
            name: o.name,
            values,
            kind: isLevelMetric(k, o.unit ?? "") ? ("level" as const) : ("flow" as const),
          };
        }),
    });
    const top = result.drivers.filter((d) => d.significant).slice(0, 3);
    return {
      text: result.explanation.join("\n"),
      fields: [
        { label: `Previous ${plural(days, "day")}`, value: result.change.previous.toFixed(0) },
        { label: `Last ${plural(days, "day")}`, value: result.change.current.toFixed(0) },
        { label: "Change", value: `${(result.change.relative * 100).toFixed(1)} %` },
      ],
      sections: top.length
        ? [
            {
              title: "Drivers tested",
              text: top
                .map(
                  (d) =>
                    `• ${d.name}: leads by ${plural(d.leadDays, "day")}, r = ${d.correlation.toFixed(2)}, Granger F-test lag ${d.granger.lag}, ${formatP(d.granger.pValue)}`,
                )
                .join("\n"),
            },
          ]
        : [],
      sources: [
        {
          label: "Metric series",
          detail: `${loaded.series.key}, ${n} daily points up to ${loaded.dates[n - 1]}`,
        },
        {
          label: "Tests",
          detail: "lagged correlation (0–14 days) and Granger ssr F-test on weekly-deseasonalised series",
        },
      ],
      meta: {
        change: result.change,
        contributions: result.contributions,
        drivers: result.drivers.map((d) => ({
          key: d.key,
          leadDays: d.leadDays,
          p: d.granger.pValue,
          significant: d.significant,
        })),
      },
    };
  });
}
