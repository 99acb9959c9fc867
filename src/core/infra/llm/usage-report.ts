import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { budgets, llmCalls, users } from "../db/schema/index.js";

export interface UsageLine {
  key: string;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
}

export interface UsageReport {
  tenantId: string;
  month: string;
  totals: UsageLine & {
    cacheHits: number;
    errors: number;
    /** What the cache hits avoided paying (µ$): each hit books what its cached answer cost. */
    savedMicros: number;
    /** Cache hits ÷ (cache hits + answers a model produced): how often a model answer was reused. */
    cacheHitRate: number;
  };
  /** Monthly tenant budget in micro-dollars (null when the env default applies). */
  budgetMicros: number | null;
  byFeature: UsageLine[];
  byProvider: UsageLine[];
  byModel: UsageLine[];
  byUser: UsageLine[];
  byDay: UsageLine[];
}

/** "2026-11" → [start, end) in UTC. */
export function monthRange(month: string): { from: Date; to: Date } {
  const m = month.match(/^(\d{4})-(\d{2})$/);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`month must be YYYY-MM, got "${month}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { from: new Date(Date.UTC(y, mo, 1)), to: new Date(Date.UTC(y, mo + 1, 1)) };
}

const hitRate = (hits: number, modelAnswers: number) =>
  hits + modelAnswers ? hits / (hits + modelAnswers) : 0;

/** Micro-dollars for people: four decimals below one cent, so small savings never read "$0.00". */
const usd = (micros: number) => `$${(micros / 1e6).toFixed(micros < 10_000 ? 4 : 2)}`;

/**
 * The cache in one line, the same in every channel and the CLI: "42% of answers (21 hits), saved
 * $0.0310".
 */
export function cacheLine(r: Pick<UsageReport, "totals">): string {
  const { cacheHits, cacheHitRate, savedMicros } = r.totals;
  if (!cacheHits) return "no hits yet";
  const hits = `${cacheHits} ${cacheHits === 1 ? "hit" : "hits"}`;
  return `${(cacheHitRate * 100).toFixed(0)}% of answers (${hits}), saved ${usd(savedMicros)}`;
}

/** Spend for one tenant and month from the ledger, grouped by feature, provider, model, user and day. */
export async function usageReport(db: Database, tenantId: string, month: string): Promise<UsageReport> {
  const { from, to } = monthRange(month);
  const where = and(
    eq(llmCalls.tenantId, tenantId),
    gte(llmCalls.createdAt, from),
    lt(llmCalls.createdAt, to),
  );
  const agg = {
    calls: sql<string>`count(*)`,
    tokensIn: sql<string>`coalesce(sum(${llmCalls.tokensIn}), 0)`,
    tokensOut: sql<string>`coalesce(sum(${llmCalls.tokensOut}), 0)`,
    costMicros: sql<string>`coalesce(sum(${llmCalls.costMicros}), 0)`,
  };
  const line = (r: {
    key: unknown;
    calls: string;
    tokensIn: string;
    tokensOut: string;
    costMicros: string;
  }): UsageLine => ({
    key: r.key === null || r.key === undefined ? "(none)" : String(r.key),
    calls: Number(r.calls),
    tokensIn: Number(r.tokensIn),
    tokensOut: Number(r.tokensOut),
    costMicros: Number(r.costMicros),
  });
  const byCost = (a: UsageLine, b: UsageLine) =>
    b.costMicros - a.costMicros || b.calls - a.calls || a.key.localeCompare(b.key);
  return db.tenantTx(tenantId, async (tx) => {
    const group = async (expr: SQL | AnyPgColumn) => {
      const rows = await tx
        .select({ key: expr, ...agg })
        .from(llmCalls)
        .where(where)
        .groupBy(expr as never);
      return rows.map((r) => line(r as Parameters<typeof line>[0]));
    };
    const day = sql<string>`to_char(${llmCalls.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
    const userLabel = sql<string>`coalesce((select ${users.email} from ${users} where ${users.id} = ${llmCalls.userId}), ${llmCalls.userId}::text)`;
    const [totalsRow] = await tx
      .select({
        ...agg,
        cacheHits: sql<string>`count(*) filter (where ${llmCalls.cacheHit})`,
        modelAnswers: sql<string>`count(*) filter (where not ${llmCalls.cacheHit} and ${llmCalls.outcome} = 'ok' and ${llmCalls.provider} <> 'offline')`,
        savedMicros: sql<string>`coalesce(sum(${llmCalls.savedMicros}), 0)`,
        errors: sql<string>`count(*) filter (where ${llmCalls.outcome} <> 'ok' and not ${llmCalls.cacheHit})`,
      })
      .from(llmCalls)
      .where(where);
    const [budget] = await tx
      .select({ limit: budgets.limitMicros })
      .from(budgets)
      .where(and(eq(budgets.tenantId, tenantId), eq(budgets.scope, "tenant_month")));
    return {
      tenantId,
      month,
      totals: {
        ...line({
          key: "total",
          ...(totalsRow ?? { calls: "0", tokensIn: "0", tokensOut: "0", costMicros: "0" }),
        }),
        cacheHits: Number(totalsRow?.cacheHits ?? 0),
        errors: Number(totalsRow?.errors ?? 0),
        savedMicros: Number(totalsRow?.savedMicros ?? 0),
        cacheHitRate: hitRate(Number(totalsRow?.cacheHits ?? 0), Number(totalsRow?.modelAnswers ?? 0)),
      },
      budgetMicros: budget?.limit ?? null,
      byFeature: (await group(llmCalls.feature)).sort(byCost),
      byProvider: (await group(llmCalls.provider)).sort(byCost),
      byModel: (await group(llmCalls.model)).sort(byCost),
      byUser: (await group(userLabel)).sort(byCost),
      byDay: (await group(day)).sort((a, b) => a.key.localeCompare(b.key)),
    };
  });
}

export interface PromptCallLine {
  prompt: string;
  calls: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
}

/** Calls per prompt version ("coach.answer@3") for one tenant and month, most used first. */
export async function promptCalls(db: Database, tenantId: string, month: string): Promise<PromptCallLine[]> {
  const { from, to } = monthRange(month);
  const prompt = sql<string>`coalesce(${llmCalls.promptId} || '@' || ${llmCalls.promptVersion}, '(none)')`;
  const rows = await db.tenantTx(tenantId, (tx) =>
    tx
      .select({
        prompt,
        calls: sql<string>`count(*)`,
        errors: sql<string>`count(*) filter (where ${llmCalls.outcome} <> 'ok')`,
        tokensIn: sql<string>`coalesce(sum(${llmCalls.tokensIn}), 0)`,
        tokensOut: sql<string>`coalesce(sum(${llmCalls.tokensOut}), 0)`,
        costMicros: sql<string>`coalesce(sum(${llmCalls.costMicros}), 0)`,
      })
      .from(llmCalls)
      .where(and(eq(llmCalls.tenantId, tenantId), gte(llmCalls.createdAt, from), lt(llmCalls.createdAt, to)))
      .groupBy(prompt),
  );
  return rows
    .map((r) => ({
      prompt: String(r.prompt),
      calls: Number(r.calls),
      errors: Number(r.errors),
      tokensIn: Number(r.tokensIn),
      tokensOut: Number(r.tokensOut),
      costMicros: Number(r.costMicros),
    }))
    .sort((a, b) => b.calls - a.calls || a.prompt.localeCompare(b.prompt));
}
