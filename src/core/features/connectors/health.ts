import { eq } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { connectorAccounts } from "../../infra/db/schema/index.js";
import { scrubText } from "../../infra/safe-error.js";
import { bold } from "../../kernel/markdown/index.js";
import { deliverDue, enqueue, ownerAlertTarget } from "../outbox/index.js";

/** A sync that did not finish: a data-free code, a message (scrubbed before storing) and whether
 *  retrying can help (auth revoked cannot: the owner must act). */
export interface SyncFailure {
  code: string;
  message: string;
  permanent: boolean;
}

/** Transient failures (5xx, timeouts) alert the owner once the streak reaches this many runs. */
export const TRANSIENT_ALERT_AFTER = 3;

const label = (provider: string) => provider.charAt(0).toUpperCase() + provider.slice(1);

export async function recordSyncStart(deps: Deps, tenantId: string, provider: string): Promise<void> {
  await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .update(connectorAccounts)
      .set({ lastSyncStartedAt: deps.clock.now() })
      .where(eq(connectorAccounts.provider, provider)),
  );
}

/** Ends a failing streak (if any) and stores the run's report. Returns whether it had been failing. */
export async function recordSyncSuccess(
  deps: Deps,
  tenantId: string,
  provider: string,
  report: Record<string, unknown>,
): Promise<{ recovered: boolean }> {
  const now = deps.clock.now();
  return deps.db.tenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({ failingSince: connectorAccounts.failingSince })
      .from(connectorAccounts)
      .where(eq(connectorAccounts.provider, provider))
      .for("update");
    await tx
      .update(connectorAccounts)
      .set({
        lastSyncAt: now,
        lastSuccessAt: now,
        lastReport: report,
        failingSince: null,
        consecutiveFailures: 0,
        lastErrorCode: null,
        lastError: null,
        alertedAt: null,
        updatedAt: now,
      })
      .where(eq(connectorAccounts.provider, provider));
    return { recovered: Boolean(before?.failingSince) };
  });
}

/**
 * Records a failed run and tells the owner ONCE per failing streak: at once for a permanent failure
 * (credentials revoked), after TRANSIENT_ALERT_AFTER runs for transient ones. The alert is an outbox
 * message whose dedupe key names the streak, enqueued in the same transaction that sets `alertedAt`,
 * so concurrent runs and replicas cannot alert twice. Never throws for the alert itself: a sync
 * failure must not become a chat failure.
 */
export async function recordSyncFailure(
  deps: Deps,
  tenantId: string,
  provider: string,
  failure: SyncFailure,
  report?: Record<string, unknown>,
): Promise<{ alerted: boolean }> {
  const now = deps.clock.now();
  const message = scrubText(failure.message).slice(0, 500);
  const log = deps.logger.child({ tenantId, provider });
  log.warn({ code: failure.code, permanent: failure.permanent }, "connector sync failed");
  const target = await ownerAlertTarget(deps, tenantId).catch(() => null);
  const alerted = await deps.db.tenantTx(tenantId, async (tx) => {
    const [acc] = await tx
      .select()
      .from(connectorAccounts)
      .where(eq(connectorAccounts.provider, provider))
      .for("update");
    if (!acc) return false;
    const failingSince = acc.failingSince ?? now;
    const streak = acc.consecutiveFailures + 1;
    const due = !acc.alertedAt && (failure.permanent || streak >= TRANSIENT_ALERT_AFTER);
    let sent = false;
    if (due && target) {
      const text = failure.permanent
        ? `${bold(`${label(provider)} sync stopped`)}: ${message}. Chat keeps working with the data synced so far; reconnect with \`keel connect ${provider}\` to resume.`
        : `${bold(`${label(provider)} sync is failing`)} since ${failingSince.toISOString().slice(0, 16).replace("T", " ")} UTC (${streak} runs): ${message}. Keel keeps retrying; chat works with the data synced so far.`;
      sent = await enqueue(
        tx,
        {
          tenantId,
          dedupeKey: `connector:${provider}:failing:${failingSince.toISOString()}`,
          target,
          payload: { text, meta: { alert: `connector.${provider}.${failure.code}` } },
        },
        now,
      );
    }
    await tx
      .update(connectorAccounts)
      .set({
        lastSyncAt: now,
        failingSince,
        consecutiveFailures: streak,
        lastErrorCode: failure.code,
        lastError: message,
        ...(report ? { lastReport: report } : {}),
        ...(due ? { alertedAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(connectorAccounts.provider, provider));
    if (due && !target) log.warn("no channel to alert the owner on");
    return sent;
  });
  if (alerted) {
    log.error({ code: failure.code }, "connector failing: owner alerted");
    await deliverDue(deps, deps.channels, tenantId).catch((err) =>
      log.warn({ err }, "connector alert queued; delivery deferred to the outbox job"),
    );
  }
  return { alerted };
}
