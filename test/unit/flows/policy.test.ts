import { describe, expect, it } from "vitest";
import {
  DEFAULT_DRAFT_POLICY,
  draftPolicyRules,
  evaluateDraftPolicy,
} from "../../../src/core/features/drafts/policy.js";

const roleRules = (text: string) =>
  evaluateDraftPolicy(text).findings.filter((f) => f.rule === "discount" || f.rule === "amount");

describe("draft content rules", () => {
  it("a plain follow-up has no finding", () => {
    expect(evaluateDraftPolicy("Hi Acme, any news on the PO?").findings).toEqual([]);
  });

  it("a discount mention needs an owner or manager (also in Arabic)", () => {
    const text = "We can offer a 10% discount if you sign this week.";
    expect(evaluateDraftPolicy(text).requireRoles).toEqual(["owner", "manager"]);
    expect(evaluateDraftPolicy("نقدم لكم خصم خاص").findings[0]?.rule).toBe("discount");
  });

  it("an amount over the threshold needs owner, manager or finance; both rules intersect", () => {
    expect(evaluateDraftPolicy("The total is $41,250.").requireRoles).toEqual([
      "owner",
      "manager",
      "finance",
    ]);
    expect(roleRules("The total is $9,500.")).toEqual([]);
    expect(evaluateDraftPolicy("A discount on $41,250.").requireRoles).toEqual(["owner", "manager"]);
  });

  it("prices and legal terms are found (they matter for four eyes on model-written text)", () => {
    expect(evaluateDraftPolicy("The total is $9,500.").findings.map((f) => f.rule)).toEqual(["price"]);
    expect(evaluateDraftPolicy("Late fees apply after 30 days.").findings.map((f) => f.rule)).toEqual([
      "legal",
    ]);
    expect(evaluateDraftPolicy("We will pass this to a collection agency.").findings[0]?.rule).toBe("legal");
    expect(evaluateDraftPolicy("Can we meet on Tuesday?").findings).toEqual([]);
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
        .requireRoles,
    ).toEqual([]);
  });
});
