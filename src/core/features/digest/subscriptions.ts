import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { digestSubscriptions, tenants } from "../../infra/db/schema/index.js";
import { AppError } from "../../kernel/errors.js";
import { isValidTimeZone, parseHm, WEEKDAYS } from "./schedule.js";

export type DigestSubscription = typeof digestSubscriptions.$inferSelect;

export interface SubscriptionTarget {
  channel: string;
  address: string;
  threadId?: string;
}

export interface SubscriptionChange {
  cadence: "daily" | "weekly" | "off";
  /** "mon" … "sun" or 0…6. */
  weekday?: string | number;
  time?: string;
  timezone?: string;
  /** "HH:MM" pair, or null to clear. */
  quiet?: { start: string; end: string } | null;
  userId?: string;
}

function weekdayIndex(w: string | number | undefined): number | undefined {
  if (w === undefined) return undefined;
  if (typeof w === "number") return w;
  const i = WEEKDAYS.indexOf(w.slice(0, 3).toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0)
    throw new AppError("bad_input", `"${w}" is not a weekday; use mon, tue, wed, thu, fri, sat or sun.`);
  return i;
}

function checkTime(t: string): string {
  try {
    const { hour, minute } = parseHm(t);
    return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  } catch {
    throw new AppError("bad_input", `"${t}" is not a time of day; use HH:MM, e.g. 08:00.`);
  }
}

/** Tenant-wide defaults from `tenants.settings`: `quietHours: { start, end }`. */
export function tenantQuietHours(
  settings: Record<string, unknown> | undefined,
): { start: string; end: string } | null {
  const q = settings?.quietHours as { start?: unknown; end?: unknown } | undefined;
  return typeof q?.start === "string" && typeof q?.end === "string"
    ? { start: checkTime(q.start), end: checkTime(q.end) }
    : null;
}

export async function getSubscription(
  tx: Tx,
  target: SubscriptionTarget,
): Promise<DigestSubscription | undefined> {
  const [row] = await tx
    .select()
    .from(digestSubscriptions)
    .where(
      and(
        eq(digestSubscriptions.channel, target.channel),
        eq(digestSubscriptions.address, target.address),
        eq(digestSubscriptions.threadId, target.threadId ?? ""),
      ),
    )
    .limit(1);
  return row;
}

/** A subscription by id as it is now (a job re-reads it after claiming: it may have been switched off). */
export async function subscriptionById(tx: Tx, id: string): Promise<DigestSubscription | undefined> {
  const [row] = await tx.select().from(digestSubscriptions).where(eq(digestSubscriptions.id, id)).limit(1);
  return row;
}

export async function listSubscriptions(tx: Tx, activeOnly = true): Promise<DigestSubscription[]> {
  const q = tx.select().from(digestSubscriptions);
  return activeOnly ? q.where(sql`${digestSubscriptions.cadence} <> 'off'`) : q;
}

/**
 * Creates or changes the digest subscription of one chat. Unset fields keep their current value;
 * a new subscription defaults to 08:00 (Monday for weekly) in the tenant's time zone with the
 * tenant's quiet hours.
 */
export async function setSubscription(
  deps: Deps,
  tenantId: string,
  target: SubscriptionTarget,
  change: SubscriptionChange,
): Promise<DigestSubscription> {
  const now = deps.clock.now();
  if (change.timezone !== undefined && !isValidTimeZone(change.timezone))
    throw new AppError(
      "bad_input",
      `"${change.timezone}" is not a time zone I know; use an IANA name such as Europe/Berlin.`,
    );
  const [tenant] = await deps.db.orm.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  if (!tenant) throw new AppError("not_found", "Unknown tenant.");
  const quietDefault = tenantQuietHours(tenant.settings);
  return deps.db.tenantTx(tenantId, async (tx) => {
    const current = await getSubscription(tx, target);
    const weekday =
      weekdayIndex(change.weekday) ?? current?.weekday ?? (change.cadence === "weekly" ? 1 : null);
    const quiet =
      change.quiet === undefined
        ? undefined
        : change.quiet && { start: checkTime(change.quiet.start), end: checkTime(change.quiet.end) };
    const values = {
      cadence: change.cadence,
      weekday: change.cadence === "weekly" ? weekday : (current?.weekday ?? null),
      atTime: change.time ? checkTime(change.time) : (current?.atTime ?? "08:00"),
      timezone: change.timezone ?? current?.timezone ?? tenant.timezone,
      ...(quiet !== undefined ? { quietStart: quiet?.start ?? null, quietEnd: quiet?.end ?? null } : {}),
      updatedAt: now,
    };
    if (current) {
      const [row] = await tx
        .update(digestSubscriptions)
        .set(values)
        .where(eq(digestSubscriptions.id, current.id))
        .returning();
      return row!;
    }
    const [row] = await tx
      .insert(digestSubscriptions)
      .values({
        tenantId,
        channel: target.channel,
        address: target.address,
        threadId: target.threadId ?? "",
        userId: change.userId ?? null,
        quietStart: quiet === undefined ? (quietDefault?.start ?? null) : (quiet?.start ?? null),
        quietEnd: quiet === undefined ? (quietDefault?.end ?? null) : (quiet?.end ?? null),
        createdAt: now,
        ...values,
      })
      .returning();
    return row!;
  });
}

/** Marks a period delivered (in the transaction that enqueues the digest). */
export async function markDelivered(tx: Tx, subscriptionId: string, period: string, at: Date): Promise<void> {
  await tx
    .update(digestSubscriptions)
    .set({ lastPeriod: period, lastSentAt: at })
    .where(eq(digestSubscriptions.id, subscriptionId));
}

/** Scheduling metadata of every active subscription across tenants (SECURITY DEFINER lookup). */
export interface ScheduledSubscription {
  id: string;
  tenantId: string;
  channel: string;
  cadence: "daily" | "weekly" | "off";
  weekday: number | null;
  atTime: string;
  timezone: string;
  quietStart: string | null;
  quietEnd: string | null;
  lastPeriod: string | null;
  createdAt: Date;
}

export async function scheduledSubscriptions(deps: Deps): Promise<ScheduledSubscription[]> {
  const rows = await deps.db.rows<Record<string, unknown>>(sql`select * from keel_digest_schedule()`);
  return rows.map((r) => ({
    id: String(r.id),
    tenantId: String(r.tenant_id),
    channel: String(r.channel),
    cadence: r.cadence as ScheduledSubscription["cadence"],
    weekday: r.weekday === null || r.weekday === undefined ? null : Number(r.weekday),
    atTime: String(r.at_time),
    timezone: String(r.timezone),
    quietStart: (r.quiet_start as string | null) ?? null,
    quietEnd: (r.quiet_end as string | null) ?? null,
    lastPeriod: (r.last_period as string | null) ?? null,
    createdAt: new Date(r.created_at as string | Date),
  }));
}
