import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { tenants } from "../../infra/db/schema/index.js";
import type { LlmClient } from "../../ports/llm.js";
import type { Runway } from "../cashflow/index.js";
import {
  cashflowReport,
  cashHeadline,
  cashRunwayText,
  type FanView,
  fanView,
  runwayText,
} from "../cashflow/index.js";
import { forecast } from "../forecast/index.js";
import {
  type ApprovalsData,
  anomaliesSince,
  type FoundAnomaly,
  type LlmSpend,
  llmSpend,
  loadDailySeries,
  pendingApprovals,
  type SeriesData,
} from "./data.js";
import { type GoalsSection, goalsSection } from "./goals.js";
import { type PipelineChanges, pipelineChanges } from "./pipeline.js";

/** A section that could not be computed carries a note instead of data; the digest still goes out. */
export type Part<T> = ({ ok: true } & T) | { ok: false; note: string };

export interface CashPart {
  currency: string;
  horizonDays: number;
  openingMinor: number | null;
  openingSource: string;
  balanceAtHorizonMinor: number;
  runway: Runway;
  runwayText: string;
  /** Balance ÷ burn, no new money. */
  cashRunwayText: string;
  /** The cash engine's one-paragraph headline (both runways, band, chance below zero, drivers). */
  headline: string;
  band: { p10: number; p90: number } | null;
  next: { days: number; weightedMinor: number }[];
  positions: { label: string; end: string; balanceMinor: number }[];
  /** The simulated balance bands by week (the fan chart). */
  fan: FanView;
}

export interface RevenuePart {
  metric: string;
  name: string;
  unit: string;
  dates: string[];
  actual: number[];
  forecast: {
    model: string;
    smape: number;
    point: number[];
    lower80: number[];
    upper80: number[];
    lower95?: number[];
    upper95?: number[];
  };
}

export interface DigestData {
  tenantId: string;
  tenantName: string;
  currency: string;
  since: string;
  now: string;
  cash: Part<CashPart>;
  revenue: Part<RevenuePart>;
  pipeline: Part<PipelineChanges>;
  goals: Part<GoalsSection>;
  anomalies: Part<{ items: FoundAnomaly[] }>;
  approvals: Part<ApprovalsData>;
  llm: Part<LlmSpend>;
}

export const REVENUE_HISTORY_DAYS = 120;
export const REVENUE_HORIZON_DAYS = 14;
/** Cheap models chosen by backtest: a digest is computed for every tenant, often at the same minute. */
export const DIGEST_FORECAST_MODELS = ["theta", "damped", "snaive"];

async function part<T>(deps: Deps, name: string, fn: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (err) {
    deps.logger.warn({ err, section: name }, "digest section failed");
    return { ok: false, note: `${name} is unavailable right now.` };
  }
}

/** Rules-only view of the LLM: digests never spend model tokens on cash predictions. */
function noModel(llm: LlmClient): LlmClient {
  return Object.assign(Object.create(llm) as LlmClient, { hasModel: () => false });
}

async function revenuePart(series: readonly SeriesData[]): Promise<Part<RevenuePart>> {
  const s = series.find((x) => x.key === "revenue") ?? series.find((x) => /revenue|sales/i.test(x.key));
  if (!s || s.values.length < 28)
    return { ok: false, note: "No daily revenue series with four weeks of history to forecast." };
  const res = await forecast(s.values, {
    horizon: REVENUE_HORIZON_DAYS,
    dates: s.dates,
    models: DIGEST_FORECAST_MODELS,
  });
  if (!res.ok) return { ok: false, note: `Revenue forecast unavailable: ${res.reason}` };
  const f = res.value;
  return {
    ok: true,
    metric: s.key,
    name: s.name,
    unit: s.unit,
    dates: s.dates,
    actual: s.values,
    forecast: {
      model: f.model,
      smape: f.backtest.smape,
      point: f.forecast,
      lower80: f.lower80,
      upper80: f.upper80,
      lower95: f.lower95,
      upper95: f.upper95,
    },
  };
}

/**
 * Everything a digest says, computed from the features' public functions: cash position, forecast
 * and runway (cashflow), revenue vs its forecast (forecast), pipeline changes since `since`, goal
 * pace (goals), anomalies since `since` (insights), pending approvals (drafts) and LLM spend (the
 * ledger). Read-only; a failing section degrades to a note.
 */
export async function composeDigest(
  deps: Deps,
  tenantId: string,
  opts: { since: Date },
): Promise<DigestData> {
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const [tenant] = await deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  const currency = tenant?.currency ?? "USD";
  const rulesOnly = { ...deps, llm: noModel(deps.llm) };

  const cash = await part(deps, "Cash", async (): Promise<CashPart> => {
    const r = await cashflowReport(rulesOnly, tenantId);
    return {
      currency: r.currency,
      horizonDays: r.horizonDays,
      openingMinor: r.cash.basis.openingMinor,
      openingSource: r.cash.basis.openingSource,
      balanceAtHorizonMinor: r.cash.balanceAtHorizonMinor,
      runway: r.cash.runway,
      runwayText: runwayText(r.cash.runway),
      cashRunwayText: cashRunwayText(r.outlook.cashRunway),
      headline: cashHeadline(r.outlook),
      band: (() => {
        const b = r.outlook.bands.find((x) => x.day === r.horizonDays);
        return b ? { p10: b.p10, p90: b.p90 } : null;
      })(),
      next: r.next.map((n) => ({ days: n.days, weightedMinor: n.weightedMinor })),
      positions: r.cash.positions,
      fan: fanView(r.outlook),
    };
  });
  const db = await deps.db.tenantTx(tenantId, async (tx) => ({
    series: await loadDailySeries(tx, today, REVENUE_HISTORY_DAYS).catch(() => [] as SeriesData[]),
    pipeline: await part(deps, "Pipeline", () => pipelineChanges(tx, opts.since, now)),
    approvals: await part(deps, "Approvals", () => pendingApprovals(tx, now)),
    llm: await part(deps, "LLM spend", () => llmSpend(tx, opts.since, now)),
  }));
  const sinceDay = opts.since.toISOString().slice(0, 10);
  const anomalies = await part(deps, "Anomalies", async () => ({
    items: anomaliesSince(db.series, sinceDay),
  }));
  const revenue = await revenuePart(db.series).catch(
    (): Part<RevenuePart> => ({ ok: false, note: "Revenue forecast failed." }),
  );
  const goals = await part(deps, "Goals", () =>
    goalsSection(deps, tenantId).then((g) => (g.ok ? { items: g.items } : Promise.reject(new Error(g.note)))),
  );
  return {
    tenantId,
    tenantName: tenant?.name ?? "",
    currency,
    since: opts.since.toISOString(),
    now: now.toISOString(),
    cash,
    revenue,
    pipeline: db.pipeline,
    goals,
    anomalies,
    approvals: db.approvals,
    llm: db.llm,
  };
}
