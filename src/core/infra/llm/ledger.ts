import type { Database } from "../db/client.js";
import { llmCalls } from "../db/schema/index.js";
import { isUuid } from "./budget.js";

/** One ledger row: a provider call, a cache hit, or an offline answer. */
export interface LedgerEntry {
  tenantId: string;
  userId?: string;
  feature: string;
  provider: string;
  model: string;
  promptId: string;
  promptVersion: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  /** Cache hits: the cost the hit avoided. */
  savedMicros?: number;
  latencyMs: number;
  cacheHit: boolean;
  route: string;
  routeReason: string;
  /** "ok", "error", "skipped" */
  outcome: string;
  errorCode?: string;
}

/** Writes the rows of one gateway request in one tenant transaction (RLS applies). */
export async function writeLedger(db: Database, entries: LedgerEntry[]): Promise<void> {
  const first = entries[0];
  if (!first) return;
  await db.tenantTx(first.tenantId, (tx) =>
    tx.insert(llmCalls).values(
      entries.map((e) => ({
        tenantId: e.tenantId,
        // Chat-platform ids that are not Keel user ids cannot go in the uuid column.
        userId: isUuid(e.userId) ? e.userId : null,
        feature: e.feature,
        provider: e.provider,
        model: e.model,
        promptId: e.promptId,
        promptVersion: e.promptVersion,
        tokensIn: e.tokensIn,
        tokensOut: e.tokensOut,
        costMicros: e.costMicros,
        savedMicros: e.savedMicros ?? 0,
        latencyMs: Math.round(e.latencyMs),
        cacheHit: e.cacheHit,
        route: e.route,
        routeReason: e.routeReason.slice(0, 500),
        outcome: e.outcome,
        errorCode: e.errorCode ?? null,
      })),
    ),
  );
}

/**
 * Write-behind for the ledger: rows are queued and inserted in small batches off the request path
 * (one transaction per tenant per batch), because a commit costs more than the rest of the gateway.
 * Budgets do not depend on it (spend counters live in the Store); `flush()` runs on shutdown and
 * before reports. A failed batch is logged and kept for the next flush.
 */
export class LedgerWriter {
  private queue: LedgerEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly onError: (err: unknown, rows: number) => void,
    private readonly opts: { maxBatch: number; delayMs: number } = { maxBatch: 200, delayMs: 25 },
  ) {}

  add(entries: LedgerEntry[]): void {
    if (!entries.length) return;
    this.queue.push(...entries);
    if (this.queue.length >= this.opts.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.delayMs);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far; resolves when it is in the database (or logged as failed). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(async () => {
      const batch = this.queue;
      this.queue = [];
      const byTenant = new Map<string, LedgerEntry[]>();
      for (const e of batch) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
      for (const rows of byTenant.values()) {
        try {
          await writeLedger(this.db, rows);
        } catch (err) {
          this.onError(err, rows.length);
          if (this.queue.length < 10_000) this.queue.push(...rows);
        }
      }
    });
    return this.chain;
  }
}
