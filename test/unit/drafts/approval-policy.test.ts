import { describe, expect, it } from "vitest";
import {
  type Approver,
  approvalPolicyFrom,
  DEFAULT_APPROVAL_POLICY,
  type DraftForApproval,
  decideApproval,
  mayStop,
  standingInFor,
} from "../../../src/core/features/drafts/approval-policy.js";

const P = DEFAULT_APPROVAL_POLICY;
const who = (role: Approver["role"], userId: string = role): Approver => ({
  role,
  userId,
  email: `${userId}@x.example`,
});
const draft = (o: Partial<DraftForApproval> = {}): DraftForApproval => ({
  subjectType: "deal",
  subjectOwnerId: "rep",
  createdBy: "someone",
  amountMinor: 500_000,
  modelWritten: false,
  terms: [],
  requireRoles: [],
  ...o,
});

describe("approval policy: roles", () => {
  it("viewers never approve; owners and managers approve any subject", () => {
    expect(decideApproval(P, who("viewer"), draft(), "slack")).toMatchObject({
      ok: false,
      reason: /viewer cannot approve/,
    });
    for (const role of ["owner", "manager"] as const) {
      expect(decideApproval(P, who(role), draft(), "slack").ok).toBe(true);
      expect(
        decideApproval(P, who(role), draft({ subjectType: "invoice", subjectOwnerId: null }), "slack").ok,
      ).toBe(true);
    }
  });

  it("reps approve only their own deals; finance only invoice reminders", () => {
    expect(decideApproval(P, who("rep"), draft(), "console").ok).toBe(true);
    expect(decideApproval(P, who("rep", "r2"), draft(), "console")).toMatchObject({
      ok: false,
      reason: /own deals/,
    });
    expect(decideApproval(P, who("rep"), draft({ subjectType: "invoice" }), "console").ok).toBe(false);
    expect(decideApproval(P, who("finance"), draft({ subjectType: "invoice" }), "console").ok).toBe(true);
    expect(decideApproval(P, who("finance"), draft(), "console")).toMatchObject({
      ok: false,
      reason: /only invoice reminders/,
    });
  });

  it("content rules restrict roles (a discount needs owner or manager)", () => {
    const d = draft({ requireRoles: ["owner", "manager"], requireReason: "mentions a discount" });
    expect(decideApproval(P, who("rep"), d, "slack")).toEqual({
      ok: false,
      reason: "This draft mentions a discount; it needs approval by owner or manager.",
    });
    expect(decideApproval(P, who("manager"), d, "slack").ok).toBe(true);
  });
});

describe("approval policy: amount, channel, four eyes", () => {
  const policy = approvalPolicyFrom({
    approvalPolicy: {
      roles: { rep: { maxAmount: 20_000 }, finance: { channels: ["slack", "console"] } },
      fourEyesAbove: 10_000,
    },
  });

  it("a role's amount ceiling and channel list apply", () => {
    expect(decideApproval(policy, who("rep"), draft({ amountMinor: 1_999_900 }), "slack").ok).toBe(true);
    expect(decideApproval(policy, who("rep"), draft({ amountMinor: 2_000_100 }), "slack")).toMatchObject({
      ok: false,
      reason: /up to 20,000/,
    });
    const inv = draft({ subjectType: "invoice", subjectOwnerId: null });
    expect(decideApproval(policy, who("finance"), inv, "slack").ok).toBe(true);
    expect(decideApproval(policy, who("finance"), inv, "whatsapp")).toMatchObject({
      ok: false,
      reason: /not from whatsapp/,
    });
  });

  it("above the threshold the author may not approve their own draft; below they may", () => {
    expect(
      decideApproval(P, who("owner"), draft({ createdBy: "owner", amountMinor: 1_000_100 }), "slack"),
    ).toMatchObject({
      ok: false,
      reason: /Four eyes/,
    });
    expect(
      decideApproval(P, who("owner"), draft({ createdBy: "owner", amountMinor: 999_900 }), "slack").ok,
    ).toBe(true);
    expect(
      decideApproval(P, who("manager"), draft({ createdBy: "owner", amountMinor: 1_000_100 }), "slack").ok,
    ).toBe(true);
    // A job wrote it (no author): anyone allowed may approve.
    expect(
      decideApproval(P, who("owner"), draft({ createdBy: null, amountMinor: 9_000_000 }), "slack").ok,
    ).toBe(true);
  });

  it("a model-written draft with a discount, a price or a legal term needs a second person at any amount", () => {
    for (const t of ["discount", "price", "legal"]) {
      const d = draft({ createdBy: "owner", amountMinor: 10_000, modelWritten: true, terms: [t] });
      expect(decideApproval(P, who("owner"), d, "slack").ok, t).toBe(false);
      expect(decideApproval(P, who("manager"), d, "slack").ok, t).toBe(true);
    }
    expect(
      decideApproval(
        P,
        who("owner"),
        draft({ createdBy: "owner", amountMinor: 10_000, terms: ["price"] }),
        "slack",
      ).ok,
    ).toBe(true);
  });
});

describe("approval policy: delegation and settings", () => {
  const now = new Date("2026-11-02T09:00:00Z");
  const policy = approvalPolicyFrom({
    approvalPolicy: {
      delegations: [
        { from: "manager@x.example", to: "rep@x.example", until: "2026-11-05T00:00:00Z" },
        { from: "owner@x.example", to: "rep@x.example", until: "2026-11-01T00:00:00Z" },
      ],
    },
  });

  it("a delegate approves with the away approver's rights until the delegation ends; four eyes still looks at them", () => {
    expect(standingInFor(policy, who("rep"), now)).toEqual(["manager@x.example"]);
    const other = draft({ subjectOwnerId: "r9" });
    expect(decideApproval(policy, who("rep"), other, "slack")).toMatchObject({ ok: false });
    const d = decideApproval(policy, who("rep"), other, "slack", [who("manager")]);
    expect(d).toMatchObject({ ok: true, delegatedBy: "manager" });
    const own = draft({ subjectOwnerId: "r9", createdBy: "rep", amountMinor: 5_000_000 });
    expect(decideApproval(policy, who("rep"), own, "slack", [who("manager")]).ok).toBe(false);
    expect(standingInFor(policy, who("rep"), new Date("2026-11-06T00:00:00Z"))).toEqual([]);
  });

  it("stopping a draft (reject/edit) follows the roles, not content or four-eyes rules", () => {
    expect(mayStop(P, who("rep"), draft({ requireRoles: ["owner"] }))).toBe(true);
    expect(mayStop(P, who("viewer"), draft())).toBe(false);
    expect(mayStop(P, who("finance"), draft())).toBe(false);
  });

  it("malformed settings keep the defaults; a role set to null approves nothing", () => {
    expect(approvalPolicyFrom({ approvalPolicy: "yes" })).toEqual(P);
    expect(approvalPolicyFrom({ approvalPolicy: { fourEyesAbove: "many", escalateAfterHours: -3 } })).toEqual(
      P,
    );
    const none = approvalPolicyFrom({ approvalPolicy: { roles: { rep: null }, fourEyesAbove: null } });
    expect(none.roles.rep).toBeUndefined();
    expect(none.fourEyesAbove).toBeNull();
    expect(decideApproval(none, who("rep"), draft(), "slack")).toMatchObject({
      ok: false,
      reason: /rep cannot approve/,
    });
  });
});
