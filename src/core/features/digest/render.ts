import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ChartInput, chartGeometry, renderChartPng } from "../../kernel/chart/index.js";
import { formatCostMicros, formatMoney, formatNumber } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Field, Reply, ReplyImage, Section } from "../../ports/reply.js";
import { cashFanInput } from "../cashflow/index.js";
import type { DigestData } from "./compose.js";

/** Days of actual revenue shown before the forecast. */
export const CHART_ACTUAL_DAYS = 42;

const money = (d: DigestData, minor: number) => formatMoney(minor, d.currency);

function cashSection(d: DigestData): Section {
  if (!d.cash.ok) return { title: "Cash", text: d.cash.note };
  const c = d.cash;
  const fields: Field[] = [
    {
      label: c.openingMinor === null ? "Cash position" : "Cash today",
      value: c.openingMinor === null ? c.openingSource : money(d, c.openingMinor),
    },
    {
      label:
        c.openingMinor === null
          ? `Net change by day ${c.horizonDays} (median)`
          : `Balance on day ${c.horizonDays} (median)`,
      value: `${money(d, c.balanceAtHorizonMinor)}${c.band ? ` (P10 ${money(d, c.band.p10)} · P90 ${money(d, c.band.p90)})` : ""}`,
    },
    { label: "Cash runway", value: c.cashRunwayText },
    { label: "Expected runway", value: c.runwayText },
    ...c.next.map((n) => ({
      label: `Expected in ${plural(n.days, "day")}`,
      value: money(d, n.weightedMinor),
    })),
  ];
  return { title: "Cash and forecast", fields };
}

function revenueSection(d: DigestData): Section | null {
  if (!d.revenue.ok) return { title: "Revenue forecast", text: d.revenue.note };
  const r = d.revenue;
  const next7 = r.forecast.point.slice(0, 7).reduce((s, v) => s + v, 0);
  const last7 = r.actual.slice(-7).reduce((s, v) => s + v, 0);
  return {
    title: "Revenue vs forecast",
    text: `Last 7 days ${formatNumber(last7)}${r.unit ? ` ${r.unit}` : ""}; next 7 days forecast ${formatNumber(next7)} (${r.forecast.model}, backtest sMAPE ${r.forecast.smape.toFixed(1)} %).`,
  };
}

function pipelineSection(d: DigestData): Section {
  if (!d.pipeline.ok) return { title: "Pipeline", text: d.pipeline.note };
  const p = d.pipeline;
  const list = (xs: { name: string; valueMinor: number; currency: string }[], n = 3) =>
    xs
      .slice(0, n)
      .map((x) => `${x.name} (${formatMoney(x.valueMinor, x.currency)})`)
      .join(", ") + (xs.length > n ? ` and ${xs.length - n} more` : "");
  const lines = [
    `New: ${p.created.length}${p.created.length ? ` — ${list(p.created)}` : ""}`,
    `Moved: ${p.moved.length}${
      p.moved.length
        ? ` — ${p.moved
            .slice(0, 3)
            .map((m) => `${m.name} → ${m.stage}`)
            .join(", ")}${p.moved.length > 3 ? ` and ${p.moved.length - 3} more` : ""}`
        : ""
    }`,
    `Won: ${p.won.length}${p.won.length ? ` — ${list(p.won)}` : ""}`,
    `Lost: ${p.lost.length}${p.lost.length ? ` — ${list(p.lost)}` : ""}`,
    `Stuck: ${p.stuck.length}${
      p.stuck.length
        ? ` — ${p.stuck
            .slice(0, 3)
            .map((s) => `${s.name} (${plural(s.daysInStage, "day")} in ${s.stage})`)
            .join(", ")}`
        : ""
    }`,
  ];
  return { title: "Pipeline since the last digest", text: lines.map((l) => `• ${l}`).join("\n") };
}

function goalsSection(d: DigestData): Section {
  if (!d.goals.ok) return { title: "Goals", text: d.goals.note };
  if (!d.goals.items.length) return { title: "Goals", text: "No active goals." };
  return {
    title: "Goals pace",
    text: d.goals.items
      .map((g) => `• ${g.title}: ${g.text}${g.slipping && g.suggestion ? ` — ${g.suggestion}` : ""}`)
      .join("\n"),
  };
}

function anomaliesSection(d: DigestData): Section {
  if (!d.anomalies.ok) return { title: "Anomalies", text: d.anomalies.note };
  const a = d.anomalies.items;
  if (!a.length) return { title: "Anomalies", text: "Nothing unusual since the last digest." };
  return {
    title: "Anomalies since the last digest",
    text: a
      .slice(0, 5)
      .map(
        (x) =>
          `• ${x.metricName} on ${x.date}: ${formatNumber(x.value)} vs ~${formatNumber(x.expected)} expected (${x.direction}, robust z ${x.score.toFixed(1)})`,
      )
      .join("\n"),
  };
}

function approvalsSection(d: DigestData): Section {
  if (!d.approvals.ok) return { title: "Approvals", text: d.approvals.note };
  const a = d.approvals;
  const delay = a.delay ? `\n${a.delay}.` : "";
  if (!a.count) return { title: "Pending approvals", text: `None waiting.${delay}` };
  return {
    title: `Pending approvals (${a.count})`,
    text:
      [
        ...(a.waiting ? [a.waiting] : []),
        ...a.items.map((i) => `• #${i.seq} ${i.kind}${i.subject ? `: ${i.subject}` : ""}`),
      ].join("\n") + delay,
  };
}

function llmSection(d: DigestData): Section {
  if (!d.llm.ok) return { title: "AI spend", text: d.llm.note };
  const l = d.llm;
  return {
    title: "AI spend",
    fields: [
      { label: "Since last digest", value: `${formatCostMicros(l.sinceMicros)} (${l.sinceCalls} calls)` },
      {
        label: "This month",
        value: `${formatCostMicros(l.monthMicros)} (${l.monthCalls} calls${l.topFeature ? `, most on ${l.topFeature}` : ""})`,
      },
    ],
  };
}

/**
 * The digest's charts, stacked in one image: the cash balance fan chart (only where the audience may
 * see cash — `digestFor` has already hidden it otherwise) and revenue vs its forecast with intervals.
 */
export function digestCharts(d: DigestData): ChartInput[] {
  const out: ChartInput[] = [];
  if (d.cash.ok) {
    const fan = cashFanInput(d.cash.fan);
    if (fan) out.push(fan);
  }
  const revenue = d.revenue.ok ? digestChartInput(d) : null;
  if (revenue) out.push(revenue);
  if (!out.length) {
    const fallback = digestChartInput(d);
    if (fallback) out.push(fallback);
  }
  return out;
}

/** The chart data: revenue vs its forecast when there is a revenue series, else the cash projection. */
export function digestChartInput(d: DigestData): ChartInput | null {
  if (d.revenue.ok) {
    const r = d.revenue;
    const dates = r.dates.slice(-CHART_ACTUAL_DAYS);
    const lastMs = Date.parse(`${r.dates[r.dates.length - 1]}T00:00:00Z`);
    const future = r.forecast.point.map((_, i) =>
      new Date(lastMs + (i + 1) * 86_400_000).toISOString().slice(0, 10),
    );
    return {
      title: `${r.name}: last ${plural(dates.length, "day")} and ${future.length}-day forecast`,
      labels: [...dates, ...future],
      actual: r.actual.slice(-CHART_ACTUAL_DAYS),
      forecast: {
        point: r.forecast.point,
        lower: r.forecast.lower80,
        upper: r.forecast.upper80,
        ...(r.forecast.lower95 && r.forecast.upper95
          ? { lower95: r.forecast.lower95, upper95: r.forecast.upper95 }
          : {}),
      },
      unit: r.unit,
      ...(r.forecast.lower95 ? { legend: "forecast, 80 % and 95 % intervals" } : {}),
    };
  }
  if (d.cash.ok && d.cash.positions.length > 1) {
    const p = d.cash.positions;
    return {
      title: "Projected cash",
      labels: p.map((x) => x.end),
      actual: p.map((x) => x.balanceMinor / 100),
      forecast: { point: [], lower: [], upper: [] },
    };
  }
  return null;
}

/** The digest as a neutral Reply (text fallback + sections + figures in `meta.digest`), without the chart. */
export function digestReply(d: DigestData, title = "Your Keel digest"): Reply {
  const sections = [
    cashSection(d),
    revenueSection(d),
    pipelineSection(d),
    goalsSection(d),
    anomaliesSection(d),
    approvalsSection(d),
    llmSection(d),
  ].filter((s): s is Section => s !== null);
  const headline = d.cash.ok
    ? d.cash.openingMinor === null
      ? `cash position unknown · net change by day ${d.cash.horizonDays}: ${money(d, d.cash.balanceAtHorizonMinor)}`
      : `${money(d, d.cash.openingMinor)} cash · cash runway ${d.cash.cashRunwayText} · expected runway ${d.cash.runwayText}`
    : "cash unavailable";
  const text = `${bold(`${title}${d.tenantName ? ` — ${d.tenantName}` : ""}`)} (${d.now.slice(0, 10)})\n${headline}`;
  return {
    text,
    sections,
    sources: [
      { label: "Cash", detail: "cashflow report (rules only), 90-day horizon" },
      { label: "Pipeline", detail: `deal stage history since ${d.since.slice(0, 16).replace("T", " ")} UTC` },
      { label: "Anomalies", detail: "robust seasonal decomposition, |z| > 4" },
      { label: "AI spend", detail: "llm_calls ledger" },
    ],
    meta: { kind: "digest", tenantId: d.tenantId, since: d.since, now: d.now },
  };
}

/**
 * Renders the chart to PNG (no browser) and, when `saveDir` is given, saves it there so channels
 * without images (console) can point at the file.
 */
export async function digestImage(
  d: DigestData,
  opts: { saveDir?: string; name?: string } = {},
): Promise<(ReplyImage & { renderer: string }) | null> {
  const charts = digestCharts(d);
  if (!charts.length) return null;
  const chart = await renderChartPng(charts.map((c) => chartGeometry(c, 640, 320)));
  const title = charts.map((c) => c.title).join(" · ");
  const image: ReplyImage & { renderer: string } = {
    pngBase64: chart.png.toString("base64"),
    alt: title,
    title,
    charts,
    renderer: chart.renderer,
  };
  if (opts.saveDir) {
    await mkdir(opts.saveDir, { recursive: true });
    const path = join(
      opts.saveDir,
      `${(opts.name ?? `${d.tenantId}-${d.now.slice(0, 10)}`).replace(/[^\w.-]+/g, "_")}.png`,
    );
    await writeFile(path, chart.png);
    image.path = path;
  }
  return image;
}
