import type { Role } from "../../infra/db/schema/memberships.js";
import { extractNumbers } from "../provenance/index.js";

/**
 * Content rules for approving a draft, on top of the approval policy (approval-policy.ts): a draft that
 * mentions a discount, or an amount over a threshold, needs one of the listed roles. Rules are
 * data (tenant settings `draftPolicy` override the defaults) and are re-evaluated on every edit.
 */
export interface DraftPolicyRules {
  discountRoles: Role[];
  /** In the draft's currency, major units; null disables the amount rule. */
  amountThreshold: number | null;
  amountRoles: Role[];
}

export interface DraftPolicyFinding {
  /** discount and amount restrict roles; price and legal only matter for four eyes on model text. */
  rule: "discount" | "amount" | "price" | "legal";
  reason: string;
  match: string;
}

/** What is stored in `drafts.policy`. */
export interface DraftPolicy {
  rules: DraftPolicyRules;
  findings: DraftPolicyFinding[];
  /** Roles that may approve given the findings (empty: role rules alone decide). */
  requireRoles: Role[];
  /** What the draft is about in money (deal value, invoice outstanding), for the approval policy. */
  amountMinor?: number | null;
  currency?: string | null;
}

export const DEFAULT_DRAFT_POLICY: DraftPolicyRules = {
  discountRoles: ["owner", "manager"],
  amountThreshold: 10_000,
  amountRoles: ["owner", "manager", "finance"],
};

const DISCOUNT =
  /\b(discount(?:s|ed)?|rebate|\d+\s?% off|percent off|price (?:cut|reduction)|special price|waive[sd]?)\b|خصم|تخفيض/i;
const PRICE =
  /[$€£]\s?\d|\d[\d,.]*\s?(?:USD|EUR|GBP|AED|SAR|dollars?|euros?)\b|\bprice[sd]?\b|\bquote[sd]?\b/i;
const LEGAL =
  /\b(legal action|lawyers?|attorneys?|court|litigation|liabilit(?:y|ies)|indemnif\w*|penalt(?:y|ies)|late (?:fees?|payment charges?)|interest (?:charges?|will be)|terms and conditions|breach|collection agency|debt collect\w*|warrant(?:y|ies))\b/i;
const ROLES: readonly Role[] = ["owner", "manager", "rep", "finance", "viewer"];

/** Tenant settings → rules; unknown or malformed keys keep the defaults. */
export function draftPolicyRules(settings: Record<string, unknown> | undefined): DraftPolicyRules {
  const raw = settings?.draftPolicy;
  if (!raw || typeof raw !== "object") return DEFAULT_DRAFT_POLICY;
  const r = raw as Record<string, unknown>;
  const roles = (v: unknown, d: Role[]) =>
    Array.isArray(v) && v.every((x) => ROLES.includes(x as Role)) && v.length ? (v as Role[]) : d;
  const threshold =
    r.amountThreshold === null
      ? null
      : typeof r.amountThreshold === "number" && r.amountThreshold > 0
        ? r.amountThreshold
        : DEFAULT_DRAFT_POLICY.amountThreshold;
  return {
    discountRoles: roles(r.discountRoles, DEFAULT_DRAFT_POLICY.discountRoles),
    amountThreshold: threshold,
    amountRoles: roles(r.amountRoles, DEFAULT_DRAFT_POLICY.amountRoles),
  };
}

/** Evaluates the content rules on a draft's subject and body. Pure. */
export function evaluateDraftPolicy(
  text: string,
  rules: DraftPolicyRules = DEFAULT_DRAFT_POLICY,
): DraftPolicy {
  const findings: DraftPolicyFinding[] = [];
  const required: Role[][] = [];
  const discount = DISCOUNT.exec(text);
  if (discount) {
    findings.push({ rule: "discount", reason: "mentions a discount", match: discount[0] });
    required.push(rules.discountRoles);
  }
  if (rules.amountThreshold !== null) {
    const big = extractNumbers(text).find((m) => !m.percent && m.value > rules.amountThreshold!);
    if (big) {
      findings.push({
        rule: "amount",
        reason: `states an amount over ${rules.amountThreshold.toLocaleString("en-US")}`,
        match: big.raw,
      });
      required.push(rules.amountRoles);
    }
  }
  const price = PRICE.exec(text);
  if (price) findings.push({ rule: "price", reason: "states a price", match: price[0] });
  const legal = LEGAL.exec(text);
  if (legal) findings.push({ rule: "legal", reason: "uses a legal term", match: legal[0] });
  // Every finding must be satisfied: the allowed roles are the intersection.
  const requireRoles = required.length ? required.reduce((acc, r) => acc.filter((x) => r.includes(x))) : [];
  return { rules, findings, requireRoles };
}

/** Reads a stored policy (jsonb) back; anything malformed counts as "no content rule". */
export function storedDraftPolicy(v: unknown): DraftPolicy | null {
  if (!v || typeof v !== "object") return null;
  const p = v as Partial<DraftPolicy>;
  if (!Array.isArray(p.requireRoles) || !Array.isArray(p.findings) || !p.rules) return null;
  return p as DraftPolicy;
}
