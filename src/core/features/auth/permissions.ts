import type { Role } from "../../infra/db/schema/memberships.js";
import { AppError } from "../../kernel/errors.js";

export type { Role };

/** What each role may do. One table, read by every use case; tests pin it. */
export type Permission =
  /** Deals the actor owns; with `deals.read.all`, every deal of the tenant. */
  | "deals.read"
  | "deals.read.all"
  | "invoices.read"
  | "cashflow.read"
  | "metrics.read"
  | "draft.create"
  | "draft.approve"
  | "goals.manage"
  | "plan.run"
  | "usage.read"
  | "digest.manage"
  | "settings.manage"
  /** Import files sent in chat (contacts, deals, invoices, payments, metrics, notes). */
  | "data.import"
  /** Draft a batch of collection reminders for the overdue invoices (finance and the owner). */
  | "collections.chase";

export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: [
    "deals.read",
    "deals.read.all",
    "invoices.read",
    "cashflow.read",
    "metrics.read",
    "draft.create",
    "draft.approve",
    "goals.manage",
    "plan.run",
    "usage.read",
    "digest.manage",
    "settings.manage",
    "data.import",
    "collections.chase",
  ],
  manager: [
    "deals.read",
    "deals.read.all",
    "invoices.read",
    "cashflow.read",
    "metrics.read",
    "draft.create",
    "draft.approve",
    "goals.manage",
    "plan.run",
    "usage.read",
    "digest.manage",
  ],
  rep: ["deals.read", "metrics.read", "draft.create", "draft.approve"],
  finance: [
    "deals.read",
    "deals.read.all",
    "invoices.read",
    "cashflow.read",
    "metrics.read",
    "draft.create",
    "draft.approve",
    "plan.run",
    "usage.read",
    "data.import",
    "collections.chase",
  ],
  // Read-only: the pipeline and business metrics, never money owed or cash (a rep may not see those either).
  viewer: ["deals.read", "deals.read.all", "metrics.read"],
};

export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  name: string;
  email: string;
}

export function can(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return PERMISSIONS[actor.role].includes(permission);
}

/** Throws a `forbidden` AppError (shown to the user as is) unless the actor's role has the permission. */
export function requirePermission(
  actor: Pick<Actor, "role">,
  permission: Permission,
  message?: string,
): void {
  if (!can(actor, permission))
    throw new AppError("forbidden", message ?? `Your role (${actor.role}) does not allow that.`);
}

/**
 * What data an actor may see, derived from the permission table: every answer, summary, digest and
 * query result is filtered by this (not only the command that asked).
 */
export interface DataScope {
  /** "own": only deals whose owner is `userId`. */
  deals: "all" | "own" | "none";
  userId: string;
  /** Invoices, amounts owed, payments. */
  invoices: boolean;
  /** Cash position, collections, cash forecasts, finance metrics (cash balance, expenses). */
  cash: boolean;
  metrics: boolean;
  usage: boolean;
}

export function dataScope(actor: Pick<Actor, "role" | "userId">): DataScope {
  return {
    deals: can(actor, "deals.read.all") ? "all" : can(actor, "deals.read") ? "own" : "none",
    userId: actor.userId,
    invoices: can(actor, "invoices.read"),
    cash: can(actor, "cashflow.read"),
    metrics: can(actor, "metrics.read"),
    usage: can(actor, "usage.read"),
  };
}

/**
 * A data scope as a cache-key part: equal for people who see exactly the same data (an owner and a
 * manager: "deals=all…"), different for every rep who sees only their own deals ("deals=own:<id>").
 */
export function scopeKey(s: DataScope): string {
  const deals = s.deals === "own" ? `own:${s.userId}` : s.deals;
  const flag = (b: boolean) => (b ? 1 : 0);
  return `deals=${deals};invoices=${flag(s.invoices)};cash=${flag(s.cash)};metrics=${flag(s.metrics)};usage=${flag(s.usage)}`;
}

/** Metric series about money in the bank or going out: readable only with `cashflow.read`. */
const FINANCE_METRIC = /cash|expense|balance|payroll|salar|collect|receivable|payable|invoice|bank|burn/i;

export function canReadMetric(actor: Pick<Actor, "role">, key: string): boolean {
  if (!can(actor, "metrics.read")) return false;
  return !FINANCE_METRIC.test(key) || can(actor, "cashflow.read");
}

/** May the actor see this deal (rep: own deals only)? */
export function canSeeDeal(actor: Pick<Actor, "role" | "userId">, ownerUserId: string | null): boolean {
  const s = dataScope(actor);
  return s.deals === "all" || (s.deals === "own" && ownerUserId === actor.userId);
}

/** The owner to restrict deal lookups to (a rep's own id), or undefined when the actor sees every deal. */
export function ownDealsOnly(actor: Pick<Actor, "role" | "userId">): string | undefined {
  const s = dataScope(actor);
  return s.deals === "all"
    ? undefined
    : s.deals === "own"
      ? actor.userId
      : "00000000-0000-0000-0000-000000000000";
}
