import type { Role } from "../../infra/db/schema/memberships.js";

/**
 * Who may approve which draft, as data per tenant (`tenants.settings.approvalPolicy`, merged over
 * the defaults). One pure function (`decideApproval`) reads it; every channel and the property test
 * go through it, so a click in Slack, a numbered reply on WhatsApp and `approve 3` agree.
 */
export interface RoleRule {
  /** Largest draft amount (major units of the draft's currency) this role may approve; null: any. */
  maxAmount: number | null;
  /** Channels this role may approve from; "any" for all. */
  channels: readonly string[] | "any";
  /** Which subjects: deals (follow-ups), invoices (reminders). */
  subjects: readonly ("deal" | "invoice")[];
  /** Only drafts about the person's own deals (reps). */
  ownOnly: boolean;
}

export interface Delegation {
  /** User id or email of the approver who is away. */
  from: string;
  /** User id or email of who approves meanwhile. */
  to: string;
  /** ISO date-time; the delegation ends then. */
  until: string;
}

export interface ApprovalPolicy {
  roles: Partial<Record<Role, RoleRule>>;
  /** Above this amount (major units) the creator may not approve their own draft; null: never. */
  fourEyesAbove: number | null;
  /** A model-written draft with a discount, a price or a legal term always needs a second person. */
  fourEyesForModelTerms: boolean;
  /** A draft waiting this long is escalated (once) to the next approver. */
  escalateAfterHours: number;
  /** A subject that got a message this recently needs a confirmation before sending again. */
  resendGuardHours: number;
  delegations: readonly Delegation[];
}

const ALL: RoleRule = { maxAmount: null, channels: "any", subjects: ["deal", "invoice"], ownOnly: false };

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  roles: {
    owner: ALL,
    manager: ALL,
    rep: { maxAmount: null, channels: "any", subjects: ["deal"], ownOnly: true },
    finance: { maxAmount: null, channels: "any", subjects: ["invoice"], ownOnly: false },
  },
  fourEyesAbove: 10_000,
  fourEyesForModelTerms: true,
  escalateAfterHours: 24,
  resendGuardHours: 72,
  delegations: [],
};

const num = (v: unknown, d: number | null): number | null =>
  v === null ? null : typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : d;

function roleRule(v: unknown, d: RoleRule | undefined): RoleRule | undefined {
  if (v === null) return undefined;
  if (!v || typeof v !== "object") return d;
  const r = v as Record<string, unknown>;
  const base = d ?? { ...ALL, subjects: [] };
  const subjects = Array.isArray(r.subjects)
    ? (r.subjects.filter((s) => s === "deal" || s === "invoice") as RoleRule["subjects"])
    : base.subjects;
  return {
    maxAmount: "maxAmount" in r ? num(r.maxAmount, base.maxAmount) : base.maxAmount,
    channels: Array.isArray(r.channels)
      ? r.channels.map(String)
      : r.channels === "any"
        ? "any"
        : base.channels,
    subjects,
    ownOnly: typeof r.ownOnly === "boolean" ? r.ownOnly : base.ownOnly,
  };
}

/** Tenant settings → policy; malformed keys keep the defaults, a role set to null may approve nothing. */
export function approvalPolicyFrom(settings: Record<string, unknown> | undefined): ApprovalPolicy {
  const raw = settings?.approvalPolicy;
  if (!raw || typeof raw !== "object") return DEFAULT_APPROVAL_POLICY;
  const r = raw as Record<string, unknown>;
  const rolesIn = (r.roles && typeof r.roles === "object" ? r.roles : {}) as Record<string, unknown>;
  const roles: ApprovalPolicy["roles"] = {};
  for (const role of ["owner", "manager", "rep", "finance"] as const) {
    const rule =
      role in rolesIn
        ? roleRule(rolesIn[role], DEFAULT_APPROVAL_POLICY.roles[role])
        : DEFAULT_APPROVAL_POLICY.roles[role];
    if (rule) roles[role] = rule;
  }
  const delegations = Array.isArray(r.delegations)
    ? r.delegations.filter(
        (x): x is Delegation =>
          !!x &&
          typeof x === "object" &&
          typeof (x as Delegation).from === "string" &&
          typeof (x as Delegation).to === "string" &&
          !Number.isNaN(Date.parse(String((x as Delegation).until))),
      )
    : [];
  const d = DEFAULT_APPROVAL_POLICY;
  return {
    roles,
    fourEyesAbove: "fourEyesAbove" in r ? num(r.fourEyesAbove, d.fourEyesAbove) : d.fourEyesAbove,
    fourEyesForModelTerms:
      typeof r.fourEyesForModelTerms === "boolean" ? r.fourEyesForModelTerms : d.fourEyesForModelTerms,
    escalateAfterHours: num(r.escalateAfterHours, d.escalateAfterHours) ?? d.escalateAfterHours,
    resendGuardHours: num(r.resendGuardHours, d.resendGuardHours) ?? d.resendGuardHours,
    delegations,
  };
}

export interface Approver {
  userId: string;
  email: string;
  role: Role;
}

/** What the policy needs to know about a draft. */
export interface DraftForApproval {
  subjectType: "deal" | "invoice" | "none";
  subjectOwnerId: string | null;
  createdBy: string | null;
  /** Null when the draft is not about money (no amount rule applies). */
  amountMinor: number | null;
  /** True when a language model wrote the text (not a template, not a person's edit only). */
  modelWritten: boolean;
  /** Content findings: "discount", "amount" (a price), "legal"; from `evaluateDraftPolicy`. */
  terms: readonly string[];
  /** Roles the content rules require (empty: none), and why ("mentions a discount"). */
  requireRoles: readonly Role[];
  requireReason?: string;
}

export type Decision = { ok: true; as: Approver; delegatedBy?: string } | { ok: false; reason: string };

const MODEL_TERMS = new Set(["discount", "amount", "price", "legal"]);
const fmt = (n: number) => n.toLocaleString("en-US");

/** Whether `who` may decide with the rights of `as` (their own, or an away approver's they stand in for). */
function decideAs(
  policy: ApprovalPolicy,
  as: Approver,
  actorUserId: string,
  draft: DraftForApproval,
  channel: string,
): string | null {
  const rule = policy.roles[as.role];
  if (!rule) return `A ${as.role} cannot approve drafts.`;
  if (draft.subjectType === "none" || !rule.subjects.includes(draft.subjectType))
    return draft.subjectType === "deal"
      ? `A ${as.role} can approve only invoice reminders.`
      : `A ${as.role} can approve only deal follow-ups.`;
  if (rule.ownOnly && draft.subjectOwnerId !== as.userId)
    return `A ${as.role} can approve only drafts about their own deals.`;
  if (rule.channels !== "any" && !rule.channels.includes(channel))
    return `A ${as.role} can approve from ${rule.channels.join(" or ")} only, not from ${channel}.`;
  if (rule.maxAmount !== null && draft.amountMinor !== null && draft.amountMinor / 100 > rule.maxAmount)
    return `A ${as.role} can approve up to ${fmt(rule.maxAmount)}; this draft is about ${fmt(draft.amountMinor / 100)}.`;
  if (draft.requireRoles.length && !draft.requireRoles.includes(as.role))
    return `This draft ${draft.requireReason || "matches an approval rule"}; it needs approval by ${draft.requireRoles.join(" or ")}.`;
  // Four eyes: judged on the person clicking, never on the one they stand in for.
  if (draft.createdBy && draft.createdBy === actorUserId) {
    if (
      policy.fourEyesAbove !== null &&
      draft.amountMinor !== null &&
      draft.amountMinor / 100 > policy.fourEyesAbove
    )
      return `Four eyes: drafts over ${fmt(policy.fourEyesAbove)} need someone other than their author to approve.`;
    if (policy.fourEyesForModelTerms && draft.modelWritten && draft.terms.some((t) => MODEL_TERMS.has(t)))
      return "Four eyes: a model-written draft with a discount, a price or a legal term needs someone other than its author to approve.";
  }
  return null;
}

/** Active delegations to `actor` at `now`: the away approvers they stand in for. */
export function standingInFor(
  policy: ApprovalPolicy,
  actor: Pick<Approver, "userId" | "email">,
  now: Date,
): string[] {
  const me = [actor.userId, actor.email.toLowerCase()];
  return policy.delegations
    .filter((d) => me.includes(d.to.toLowerCase()) && Date.parse(d.until) > now.getTime())
    .map((d) => d.from);
}

/**
 * May `actor` approve `draft` from `channel`? First on their own rights; else, if they stand in for an
 * away approver (delegation), on that approver's rights. Four eyes always looks at the actor.
 */
export function decideApproval(
  policy: ApprovalPolicy,
  actor: Approver,
  draft: DraftForApproval,
  channel: string,
  delegators: readonly Approver[] = [],
): Decision {
  const own = decideAs(policy, actor, actor.userId, draft, channel);
  if (!own) return { ok: true, as: actor };
  for (const d of delegators) {
    if (!decideAs(policy, d, actor.userId, draft, channel)) return { ok: true, as: d, delegatedBy: d.userId };
  }
  return { ok: false, reason: own };
}

/** Roles that may reject/edit: any role the policy lets approve something (content rules do not apply). */
export function mayStop(policy: ApprovalPolicy, actor: Approver, draft: DraftForApproval): boolean {
  const rule = policy.roles[actor.role];
  if (!rule || draft.subjectType === "none" || !rule.subjects.includes(draft.subjectType)) return false;
  return !rule.ownOnly || draft.subjectOwnerId === actor.userId;
}
