import { type Actor, can, type Role } from "../auth/index.js";

/**
 * Token scopes: one per resource and verb. A request needs the scope on the token AND a role that may
 * do it (`roleAllows`): the token acts as its user, so a rep's token never reads cash, whatever it says.
 */
export const SCOPES = [
  "contacts:read",
  "contacts:write",
  "deals:read",
  "deals:write",
  "invoices:read",
  "invoices:write",
  "payments:read",
  "payments:write",
  "metrics:read",
  "metrics:write",
  "drafts:read",
  "drafts:approve",
  "forecasts:read",
  "cashflow:read",
  "usage:read",
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who may write what: imports are a data owner's job (owner, manager), money records also finance's. */
const WRITERS: Record<string, readonly Role[]> = {
  "contacts:write": ["owner", "manager", "finance"],
  "deals:write": ["owner", "manager"],
  "invoices:write": ["owner", "finance"],
  "payments:write": ["owner", "finance"],
  "metrics:write": ["owner", "manager", "finance"],
};

/** May this role use this scope at all? Reads follow the role → permission table of the chat. */
export function roleAllows(actor: Pick<Actor, "role">, scope: Scope): boolean {
  switch (scope) {
    case "contacts:read":
      return can(actor, "deals.read.all");
    case "deals:read":
      return can(actor, "deals.read");
    case "invoices:read":
    case "payments:read":
      return can(actor, "invoices.read");
    case "metrics:read":
    case "forecasts:read":
      return can(actor, "metrics.read");
    case "drafts:read":
      return can(actor, "draft.create") || can(actor, "draft.approve");
    case "drafts:approve":
      return can(actor, "draft.approve");
    case "cashflow:read":
      return can(actor, "cashflow.read");
    case "usage:read":
      return can(actor, "usage.read");
    default:
      return WRITERS[scope]?.includes(actor.role) ?? false;
  }
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/**
 * Parses `deals:read,deals:write` (also `deals:*` and `*`): the scopes, or every unknown word.
 */
export function parseScopes(text: string): { ok: true; scopes: Scope[] } | { ok: false; unknown: string[] } {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  const out = new Set<Scope>();
  const unknown: string[] = [];
  for (const w of words) {
    if (w === "*") for (const s of SCOPES) out.add(s);
    else if (w.endsWith(":*")) {
      const hits = SCOPES.filter((s) => s.startsWith(w.slice(0, -1)));
      if (hits.length) for (const s of hits) out.add(s);
      else unknown.push(w);
    } else if (isScope(w)) out.add(w);
    else unknown.push(w);
  }
  if (unknown.length) return { ok: false, unknown };
  return { ok: true, scopes: SCOPES.filter((s) => out.has(s)) };
}
