import type { Role } from "../../infra/db/schema/memberships.js";
import { AppError } from "../../kernel/errors.js";

export type { Role };

/** What each role may do. One table, read by every use case; tests pin it. */
export type Permission =
  | "deals.read"
  | "invoices.read"
  | "cashflow.read"
  | "metrics.read"
  | "draft.create"
  | "draft.approve"
  | "goals.manage"
  | "plan.run"
  | "usage.read"
  | "digest.manage"
  | "settings.manage";

export const PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: [
    "deals.read",
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
  ],
  manager: [
    "deals.read",
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
    "invoices.read",
    "cashflow.read",
    "metrics.read",
    "draft.create",
    "draft.approve",
    "plan.run",
    "usage.read",
  ],
  viewer: ["deals.read", "invoices.read", "cashflow.read", "metrics.read"],
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

export interface DraftForPolicy {
  subjectType: "deal" | "invoice" | "none";
  subjectOwnerId: string | null;
  createdBy?: string | null;
  /** Content policy stored with the draft (`drafts.policy`): roles required by what the text says. */
  policy?: { requireRoles?: unknown; findings?: unknown } | null;
}

/**
 * Who may approve a draft: owners and managers any; a rep only drafts about their own deals;
 * finance only invoice reminders; viewers never. On top, the draft's content policy (a discount,
 * a large amount) may restrict approval to some roles.
 */
export function canApproveDraft(
  actor: Pick<Actor, "role" | "userId">,
  draft: DraftForPolicy,
): { ok: true } | { ok: false; reason: string } {
  if (!can(actor, "draft.approve")) return { ok: false, reason: `A ${actor.role} cannot approve drafts.` };
  if (actor.role === "rep" && (draft.subjectType !== "deal" || draft.subjectOwnerId !== actor.userId))
    return { ok: false, reason: "Reps can approve only drafts about their own deals." };
  if (actor.role === "finance" && draft.subjectType !== "invoice")
    return { ok: false, reason: "Finance can approve only invoice reminders." };
  const required = Array.isArray(draft.policy?.requireRoles) ? (draft.policy.requireRoles as Role[]) : [];
  if (required.length && !required.includes(actor.role)) {
    const why = Array.isArray(draft.policy?.findings)
      ? (draft.policy.findings as { reason?: unknown }[])
          .map((f) => String(f.reason ?? ""))
          .filter(Boolean)
          .join(" and ")
      : "";
    return {
      ok: false,
      reason: `This draft ${why || "matches an approval rule"}; it needs approval by ${required.join(" or ")}.`,
    };
  }
  return { ok: true };
}
