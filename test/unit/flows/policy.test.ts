import { describe, expect, it } from "vitest";
import { canApproveDraft } from "../../../src/core/features/auth/permissions.js";
import {
  DEFAULT_DRAFT_POLICY,
  draftPolicyRules,
  evaluateDraftPolicy,
} from "../../../src/core/features/drafts/policy.js";

const rep = { role: "rep" as const, userId: "r1" };
const ownDeal = (text: string) => ({
  subjectType: "deal" as const,
  subjectOwnerId: "r1",
  policy: { ...evaluateDraftPolicy(text) },
});

describe("draft approval policy by role and content", () => {
  it("a plain follow-up has no content rule: the deal's rep may approve", () => {
    const p = evaluateDraftPolicy("Hi Acme, any news on the PO?");
    expect(p.findings).toEqual([]);
    expect(canApproveDraft(rep, ownDeal("Hi Acme, any news on the PO?"))).toEqual({ ok: true });
  });

  it("a discount mention needs an owner or manager", () => {
    const text = "We can offer a 10% discount if you sign this week.";
    expect(evaluateDraftPolicy(text).requireRoles).toEqual(["owner", "manager"]);
    const r = canApproveDraft(rep, ownDeal(text));
    expect(r).toEqual({
      ok: false,
      reason: "This draft mentions a discount; it needs approval by owner or manager.",
    });
    expect(canApproveDraft({ role: "manager", userId: "m" }, ownDeal(text)).ok).toBe(true);
    expect(evaluateDraftPolicy("نقدم لكم خصم خاص").findings[0]?.rule).toBe("discount");
  });

  it("an amount over the threshold needs owner, manager or finance; both rules intersect", () => {
    expect(evaluateDraftPolicy("The total is $41,250.").requireRoles).toEqual([
      "owner",
      "manager",
      "finance",
    ]);
    expect(evaluateDraftPolicy("The total is $9,500.").findings).toEqual([]);
    expect(canApproveDraft(rep, ownDeal("The total is $41,250.")).ok).toBe(false);
    expect(evaluateDraftPolicy("A discount on $41,250.").requireRoles).toEqual(["owner", "manager"]);
  });

  it("tenant settings override the rules; malformed settings keep the defaults", () => {
    expect(draftPolicyRules({ draftPolicy: { amountThreshold: 50_000, discountRoles: ["owner"] } })).toEqual({
      ...DEFAULT_DRAFT_POLICY,
      amountThreshold: 50_000,
      discountRoles: ["owner"],
    });
    expect(draftPolicyRules({ draftPolicy: { discountRoles: ["wizard"] } })).toEqual(DEFAULT_DRAFT_POLICY);
    expect(
      evaluateDraftPolicy("Total $41,250", draftPolicyRules({ draftPolicy: { amountThreshold: 50_000 } }))
        .findings,
    ).toEqual([]);
  });

  it("role rules still apply first", () => {
    expect(canApproveDraft({ role: "viewer", userId: "v" }, ownDeal("hello")).ok).toBe(false);
    expect(canApproveDraft({ role: "rep", userId: "r2" }, ownDeal("hello")).ok).toBe(false);
  });
});
