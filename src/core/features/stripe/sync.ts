import Stripe from "stripe";
import type { Deps } from "../../deps.js";
import { AppError } from "../../kernel/errors.js";
import {
  getAccount,
  openSecrets,
  recordSyncFailure,
  recordSyncStart,
  recordSyncSuccess,
  type SyncFailure,
  saveCursors,
} from "../connectors/index.js";
import { getTenant } from "../tenancy/index.js";
import { type ApplyReport, applySnapshot } from "./apply.js";
import {
  readAll,
  readEvents,
  readTouched,
  type Snapshot,
  stripeClient,
  type Touched,
  touchedBy,
} from "./remote.js";

export const PROVIDER = "stripe";

/** Stripe keeps events for 30 days; an older cursor means a full sync. */
const EVENTS_KEPT_S = 29 * 86_400;
/** Events are read from a little before the last sync started (clock skew, in-flight writes). */
const OVERLAP_S = 120;

export interface StripeSyncReport extends ApplyReport {
  ok: boolean;
  mode: "full" | "incremental" | "webhook";
  fetched: { customers: number; invoices: number; payments: number; refunds: number; events: number };
}

/** Stripe errors → a data-free code and whether retrying can help (a revoked key cannot). */
export function classify(e: unknown): SyncFailure {
  if (e instanceof Stripe.errors.StripeError) {
    const permanent =
      e instanceof Stripe.errors.StripeAuthenticationError ||
      e instanceof Stripe.errors.StripePermissionError;
    return {
      code: `stripe_${e.statusCode ?? "network"}`,
      message: permanent
        ? "Stripe refused the secret key (revoked, or missing read permissions)"
        : `Stripe did not answer as expected (${e.statusCode ?? "no response"}): ${e.message.replace(/\.$/, "")}`,
      permanent,
    };
  }
  const err = e instanceof AppError ? e : undefined;
  return {
    code: err?.code ?? "internal",
    message: err?.userMessage ?? "The Stripe sync failed on Keel's side; details are in the log.",
    permanent: false,
  };
}

async function withTenantLock<T>(deps: Deps, tenantId: string, fn: () => Promise<T>): Promise<T> {
  // One sync per tenant at a time (scheduled job, CLI and webhooks write the same rows).
  const key = `connector:stripe:sync:${tenantId}`;
  for (let i = 0; i < 40; i++) {
    const lock = await deps.store.acquireLock(key, 10 * 60_000);
    if (lock)
      try {
        return await fn();
      } finally {
        await lock.release();
      }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new AppError("conflict", "A Stripe sync for this company is already running; try again shortly.", {
    retryable: true,
  });
}

async function run(
  deps: Deps,
  tenantId: string,
  mode: StripeSyncReport["mode"],
  read: (stripe: Stripe) => Promise<Snapshot & { events?: number }>,
  after?: (startedAt: number) => Promise<void>,
): Promise<StripeSyncReport> {
  return withTenantLock(deps, tenantId, async () => {
    const startedAt = Math.floor(deps.clock.now().getTime() / 1000);
    await recordSyncStart(deps, tenantId, PROVIDER);
    try {
      const { secretKey } = await openSecrets(deps, tenantId, PROVIDER);
      if (!secretKey) throw new AppError("not_found", "Stripe is not connected for this company.");
      const tenant = await getTenant(deps.db, tenantId);
      const snap = await read(stripeClient(deps.config.stripe, secretKey));
      const applied = await applySnapshot(deps, tenantId, tenant?.timezone ?? "UTC", snap);
      const report: StripeSyncReport = {
        ok: true,
        mode,
        fetched: {
          customers: snap.customers.length,
          invoices: snap.invoices.length,
          payments: snap.payments.length,
          refunds: snap.refunds.length,
          events: snap.events ?? 0,
        },
        ...applied,
      };
      await after?.(startedAt);
      await recordSyncSuccess(deps, tenantId, PROVIDER, {
        ...report,
        skipped: report.skipped.slice(0, 20),
        rejected: report.rejected.slice(0, 20),
      });
      deps.logger.info(
        {
          tenantId,
          provider: PROVIDER,
          mode,
          fetched: report.fetched,
          invoices: report.invoices,
          payments: report.payments,
          rejected: report.rejected.length,
        },
        "stripe sync finished",
      );
      return report;
    } catch (e) {
      const failure = classify(e);
      if (failure.code === "internal") deps.logger.error({ err: e, tenantId }, "stripe sync crashed");
      await recordSyncFailure(deps, tenantId, PROVIDER, failure);
      throw e instanceof AppError
        ? e
        : new AppError(failure.permanent ? "forbidden" : "provider_error", failure.message, {
            cause: e,
            retryable: !failure.permanent,
          });
    }
  });
}

/**
 * Syncs one tenant: a full read (first run, `--full`, or when the last sync is older than Stripe's
 * 30 days of events), otherwise the events since the last sync and the objects they touched.
 * Records the outcome on the connector account (failures alert the owner once per streak).
 */
export async function syncStripe(
  deps: Deps,
  tenantId: string,
  opts: { full?: boolean } = {},
): Promise<StripeSyncReport> {
  const account = await getAccount(deps, tenantId, PROVIDER);
  if (!account)
    throw new AppError("not_found", "Stripe is not connected for this company (keel connect stripe).");
  const cursor = Number(account.cursors.events ?? Number.NaN);
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  const full = opts.full || !Number.isFinite(cursor) || cursor < now - EVENTS_KEPT_S;
  const saveCursor = (startedAt: number) =>
    saveCursors(deps, tenantId, PROVIDER, { events: String(startedAt) });
  if (full) return run(deps, tenantId, "full", (s) => readAll(s), saveCursor);
  return run(
    deps,
    tenantId,
    "incremental",
    async (s) => {
      const events = await readEvents(s, cursor - OVERLAP_S);
      return { ...(await readTouched(s, touchedBy(events))), events: events.length };
    },
    saveCursor,
  );
}

/** Applies what verified webhook events touched (re-read from Stripe: event bodies may be stale or out of order). */
export async function applyTouched(
  deps: Deps,
  tenantId: string,
  touched: Touched,
): Promise<StripeSyncReport> {
  return run(deps, tenantId, "webhook", async (s) => ({ ...(await readTouched(s, touched)), events: 1 }));
}
