import { describe, expect, it } from "vitest";
import { can, canApproveDraft, PERMISSIONS } from "../../src/core/features/auth/permissions.js";

describe("permission table", () => {
  it("pins what each role may do", () => {
    expect(PERMISSIONS.viewer).not.toContain("draft.approve");
    expect(PERMISSIONS.viewer).not.toContain("draft.create");
    expect(PERMISSIONS.rep).not.toContain("invoices.read");
    expect(PERMISSIONS.finance).toContain("cashflow.read");
    expect(PERMISSIONS.owner).toContain("settings.manage");
    expect(PERMISSIONS.manager).not.toContain("settings.manage");
  });

  it("viewers cannot approve anything", () => {
    expect(
      canApproveDraft({ role: "viewer", userId: "v" }, { subjectType: "deal", subjectOwnerId: "v" }).ok,
    ).toBe(false);
  });

  it("reps approve only drafts about their own deals", () => {
    expect(
      canApproveDraft({ role: "rep", userId: "r1" }, { subjectType: "deal", subjectOwnerId: "r1" }).ok,
    ).toBe(true);
    expect(
      canApproveDraft({ role: "rep", userId: "r1" }, { subjectType: "deal", subjectOwnerId: "r2" }).ok,
    ).toBe(false);
    expect(
      canApproveDraft({ role: "rep", userId: "r1" }, { subjectType: "invoice", subjectOwnerId: null }).ok,
    ).toBe(false);
  });

  it("finance approves invoice reminders only; owners and managers approve all", () => {
    expect(
      canApproveDraft({ role: "finance", userId: "f" }, { subjectType: "invoice", subjectOwnerId: null }).ok,
    ).toBe(true);
    expect(
      canApproveDraft({ role: "finance", userId: "f" }, { subjectType: "deal", subjectOwnerId: "x" }).ok,
    ).toBe(false);
    for (const role of ["owner", "manager"] as const) {
      expect(canApproveDraft({ role, userId: "m" }, { subjectType: "deal", subjectOwnerId: "x" }).ok).toBe(
        true,
      );
      expect(can({ role }, "draft.approve")).toBe(true);
    }
  });
});
