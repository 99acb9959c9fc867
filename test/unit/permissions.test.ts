import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/core/features/auth/permissions.js";

describe("permission table", () => {
  it("pins what each role may do", () => {
    expect(PERMISSIONS.viewer).not.toContain("draft.approve");
    expect(PERMISSIONS.viewer).not.toContain("draft.create");
    expect(PERMISSIONS.rep).not.toContain("invoices.read");
    expect(PERMISSIONS.finance).toContain("cashflow.read");
    expect(PERMISSIONS.owner).toContain("settings.manage");
    expect(PERMISSIONS.manager).not.toContain("settings.manage");
  });
});
