import { and, eq, gte, isNull, lt, sql } from "drizzle-orm";
import type { Store } from "../../ports/store.js";
import type { Database } from "../db/client.js";
import { budgets, llmCalls } from "../db/schema/index.js";

/**
 * Budgets in micro-dollars: per tenant per calendar month (UTC) and per user per day (UTC), from the
 * `budgets` table with env defaults. Spend lives in Store counters (seeded from the ledger when
 * missing, e.g. after a Redis flush) so every replica sees the same figure. A call first reserves
 * its worst-case cost with an atomic incrFloat on both counters; when either goes over its limit the
 * reservation is rolled back and the call may not use a paid provider. After the call the
 * reservation is settled to the actual cost, so concurrent calls can never overspend.
 */
export interface BudgetDefaults {
  tenantMonthMicros: number;
  userDayMicros: number;
  ratePerMinute: number;
}

export interface BudgetUsage {
  tenantSpent: number;
  tenantLimit: number;
  userSpent: number;
  userLimit: number;
  /** max of the two shares; Infinity when a limit is 0. */
  share: number;
}

export interface Reservation {
  micros: number;
  /** Replace the reservation by the actual cost. Idempotent. */
  settle(actualMicros: number): Promise<void>;
}

const DAY = 86_400_000;
const LIMIT_CACHE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string | undefined): s is string => Boolean(s && UUID.test(s));

const share = (spent: number, limit: number) =>
  limit <= 0 ? (spent >= 0 ? Number.POSITIVE_INFINITY : 0) : spent / limit;

export class BudgetGuard {
  private readonly limitCache = new Map<string, { at: number; tenant: number; user: number }>();

  constructor(
    private readonly db: Database,
    private readonly store: Store,
    private readonly defaults: BudgetDefaults,
    private readonly now: () => Date,
  ) {}

  private periods() {
    const d = this.now();
    const month = d.toISOString().slice(0, 7);
    const day = d.toISOString().slice(0, 10);
    const monthStart = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const nextMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const dayStart = new Date(`${day}T00:00:00Z`);
    return { month, day, monthStart, nextMonth, dayStart, dayEnd: new Date(dayStart.getTime() + DAY) };
  }

  private keys(tenantId: string, userId: string | undefined) {
    const p = this.periods();
    return {
      tenant: `llm:spend:t:${tenantId}:${p.month}`,
      user: `llm:spend:u:${tenantId}:${userId ?? "-"}:${p.day}`,
      p,
    };
  }

  async limits(tenantId: string, userId: string | undefined): Promise<{ tenant: number; user: number }> {
    const cacheKey = `${tenantId}:${userId ?? ""}`;
    const hit = this.limitCache.get(cacheKey);
    if (hit && this.now().getTime() - hit.at < LIMIT_CACHE_MS) return hit;
    const rows = await this.db.tenantTx(tenantId, (tx) =>
      tx
        .select({ scope: budgets.scope, userId: budgets.userId, limit: budgets.limitMicros })
        .from(budgets)
        .where(eq(budgets.tenantId, tenantId)),
    );
    const tenant =
      rows.find((r) => r.scope === "tenant_month" && r.userId === null)?.limit ??
      this.defaults.tenantMonthMicros;
    const user =
      rows.find((r) => r.scope === "user_day" && r.userId !== null && r.userId === userId)?.limit ??
      rows.find((r) => r.scope === "user_day" && r.userId === null)?.limit ??
      this.defaults.userDayMicros;
    const v = { at: this.now().getTime(), tenant, user };
    this.limitCache.set(cacheKey, v);
    return v;
  }

  /** Seeds a spend counter from the ledger when the store does not have it. */
  private async seeded(
    key: string,
    tenantId: string,
    from: Date,
    to: Date,
    userId: string | undefined,
    ttlMs: number,
  ): Promise<number> {
    const cur = await this.store.get(key);
    if (cur !== null) return Number(cur);
    const [row] = await this.db.tenantTx(tenantId, (tx) =>
      tx
        .select({ total: sql<string>`coalesce(sum(${llmCalls.costMicros}), 0)` })
        .from(llmCalls)
        .where(
          and(
            eq(llmCalls.tenantId, tenantId),
            gte(llmCalls.createdAt, from),
            lt(llmCalls.createdAt, to),
            userId === undefined
              ? undefined
              : isUuid(userId)
                ? eq(llmCalls.userId, userId)
                : isNull(llmCalls.userId),
          ),
        ),
    );
    const total = Number(row?.total ?? 0);
    await this.store.set(key, String(total), { nx: true, ttlMs });
    return Number((await this.store.get(key)) ?? total);
  }

  async usage(tenantId: string, userId: string | undefined): Promise<BudgetUsage> {
    const k = this.keys(tenantId, userId);
    const [lim, tenantSpent, userSpent] = await Promise.all([
      this.limits(tenantId, userId),
      this.seeded(k.tenant, tenantId, k.p.monthStart, k.p.nextMonth, undefined, 40 * DAY),
      this.seeded(k.user, tenantId, k.p.dayStart, k.p.dayEnd, userId, 2 * DAY),
    ]);
    return {
      tenantSpent,
      tenantLimit: lim.tenant,
      userSpent,
      userLimit: lim.user,
      share: Math.max(share(tenantSpent, lim.tenant), share(userSpent, lim.user)),
    };
  }

  /**
   * Atomically reserves `micros` on both counters; null (and nothing held) when a limit would be
   * passed. Pass `seeded` when `usage()` was just called (the counters exist) to save round trips.
   */
  async reserve(
    tenantId: string,
    userId: string | undefined,
    micros: number,
    seeded = false,
  ): Promise<Reservation | null> {
    const k = this.keys(tenantId, userId);
    const lim = await this.limits(tenantId, userId);
    if (!seeded) await this.usage(tenantId, userId); // counters must exist (seeded) before incrementing
    const [t, u] = await Promise.all([
      this.store.incrFloat(k.tenant, micros),
      this.store.incrFloat(k.user, micros),
    ]);
    if (t > lim.tenant || u > lim.user) {
      await Promise.all([this.store.incrFloat(k.tenant, -micros), this.store.incrFloat(k.user, -micros)]);
      return null;
    }
    let open = true;
    return {
      micros,
      settle: async (actual) => {
        if (!open) return;
        open = false;
        // A cost is never negative (usage is bounded upstream; this guards the counter itself).
        const bounded = Number.isFinite(actual) ? Math.max(0, actual) : micros;
        const delta = bounded - micros;
        if (delta !== 0)
          await Promise.all([this.store.incrFloat(k.tenant, delta), this.store.incrFloat(k.user, delta)]);
      },
    };
  }

  /** Counts one request against the tenant's per-minute limit; true when over it. */
  async rateLimited(tenantId: string): Promise<boolean> {
    const minute = Math.floor(this.now().getTime() / 60_000);
    const n = await this.store.incr(`llm:rate:${tenantId}:${minute}`, 1, 120_000);
    return n > this.defaults.ratePerMinute;
  }
}
