import { describe, expect, it } from "vitest";
import { makeRules, projectDeal } from "../../../src/core/features/cashflow/index.js";
import { deal, RULES, STAGES, TODAY } from "./fixtures.js";

/** TODAY + n days as YYYY-MM-DD, computed independently of the code under test. */
const plus = (n: number) => new Date(Date.UTC(2025, 2, 10 + n)).toISOString().slice(0, 10);

describe("cashflow rules per stage", () => {
  it("Order Received: rest of its 10 d cycle, then Production 45 + Under Progress 22 + Awaiting GR 5, then terms", () => {
    const p = projectDeal(deal("Order Received", 3), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(7 + 45 + 22 + 5));
    expect(p.paidOn).toBe(plus(7 + 45 + 22 + 5 + 30));
    expect(p.rules).toEqual(
      expect.arrayContaining([
        "remaining_in_stage",
        "later_stage_cycles",
        "payment_terms",
        "probability_weight",
      ]),
    );
    expect(p.rules).not.toContain("stuck_penalty");
    expect(p.method).toBe("rules");
  });

  it("Production/Supplying: rest of 45 d, then 22 + 5", () => {
    const p = projectDeal(deal("Production/Supplying", 10), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(35 + 22 + 5));
  });

  it("Under Progress: rest of 22 d, then Awaiting GR 5", () => {
    expect(projectDeal(deal("Under Progress", 2), RULES, TODAY).invoiceOn).toBe(plus(20 + 5));
  });

  it("Awaiting GR: invoiced when its 5 d cycle ends", () => {
    const p = projectDeal(deal("Awaiting GR", 1), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(4));
    expect(p.rules).not.toContain("later_stage_cycles");
  });

  it("early stages walk every later stage up to the invoiced one", () => {
    expect(projectDeal(deal("Lead", 0), RULES, TODAY).invoiceOn).toBe(
      plus(14 + 14 + 21 + 14 + 10 + 45 + 22 + 5),
    );
  });

  it("reads cycle times from the stages given (configurable per pipeline)", () => {
    const faster = makeRules(
      STAGES.map((s) => (s.name === "Production/Supplying" ? { ...s, cycleDays: 20 } : s)),
    );
    expect(projectDeal(deal("Order Received", 3), faster, TODAY).invoiceOn).toBe(plus(7 + 20 + 22 + 5));
  });

  it("an invoiced stage means invoiced on the day the deal entered it, paid after terms", () => {
    const p = projectDeal(deal("Invoiced", 9), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(-9));
    expect(p.paidOn).toBe(plus(-9 + 30));
    expect(p.invoicedStage).toBe(true);
    expect(p.rules).toContain("invoiced_stage");
    expect(p.weightedMinor).toBe(1_000_000);
  });

  it("uses the default 37 d terms when the deal has none", () => {
    const p = projectDeal(deal("Awaiting GR", 1, { paymentTermsDays: null }), RULES, TODAY);
    expect(p.paidOn).toBe(plus(4 + 37));
    expect(p.rules).toContain("default_terms");
  });

  it("weights by stage probability, rounding once to whole minor units", () => {
    const p = projectDeal(deal("Order Received", 3, { valueMinor: 123_457 }), RULES, TODAY);
    expect(p.weightedMinor).toBe(Math.round(123_457 * 0.8));
    expect(Number.isInteger(p.weightedMinor)).toBe(true);
  });
});

describe("stuck penalty", () => {
  it("does not apply at exactly 60 days in stage", () => {
    const p = projectDeal(deal("Order Received", 60), RULES, TODAY);
    expect(p.rules).not.toContain("stuck_penalty");
    expect(p.invoiceOn).toBe(plus(0 + 45 + 22 + 5));
  });

  it("adds 14 days at 61 days in stage", () => {
    const p = projectDeal(deal("Order Received", 61), RULES, TODAY);
    expect(p.rules).toContain("stuck_penalty");
    expect(p.invoiceOn).toBe(plus(45 + 22 + 5 + 14));
    expect(p.steps.join(" ")).toMatch(/Stuck 61 d/);
  });
});

describe("sanity checks", () => {
  it("moves an invoice that would fall today (cycle overrun, nothing left) to tomorrow", () => {
    const p = projectDeal(deal("Awaiting GR", 20), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(1));
    expect(p.paidOn).toBe(plus(1 + 30));
    expect(p.rules).toContain("clamp_invoice_after_today");
  });

  it("expects an overdue payment of an invoiced deal from tomorrow, with a warning", () => {
    const p = projectDeal(deal("Invoiced", 100), RULES, TODAY);
    expect(p.invoiceOn).toBe(plus(-100));
    expect(p.paidOn).toBe(plus(1));
    expect(p.rules).toContain("overdue_payment");
    expect(p.warnings.join()).toMatch(/overdue/);
  });

  it("never lets payment precede the invoice", () => {
    const p = projectDeal(deal("Awaiting GR", 1), RULES, TODAY);
    expect(p.paidOn > p.invoiceOn).toBe(true);
  });

  it("warns when payment is expected more than a year out", () => {
    const far = projectDeal(deal("Lead", 0, { paymentTermsDays: 240 }), RULES, TODAY);
    expect(far.rules).toContain("warn_beyond_year");
    expect(far.warnings.join()).toMatch(/more than 365 days/);
    const near = projectDeal(deal("Lead", 0, { paymentTermsDays: 200 }), RULES, TODAY);
    expect(near.rules).not.toContain("warn_beyond_year");
  });

  it("flags a stage without rules instead of failing", () => {
    const p = projectDeal({ ...deal("Lead", 0), stageId: "missing", stageName: "Mystery" }, RULES, TODAY);
    expect(p.warnings.join()).toMatch(/no cashflow rule/);
    expect(p.invoiceOn).toBe(plus(1));
  });
});
